#include "service/server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "common/folder_lock.hpp"
#include "plugin/loader.hpp"
#include "runtime/run.hpp"
#include "service/api.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxBody = 4 * 1024 * 1024;
constexpr std::size_t kRequestsPerConnection = 1000;
constexpr time_t kReadTimeoutSeconds = 10;
constexpr std::chrono::seconds kTickEvery{1};
constexpr std::chrono::milliseconds kDrainPoll{200};

// Connections waiting to be accepted. Debian's cpp-httplib 0.11 is a
// compiled library that listens with a backlog of 5. With it, 200 agents
// reconnecting at once see dropped SYNs and wait a second or more for the
// kernel to retry. The kernel caps the value at net.core.somaxconn.
constexpr int kListenBacklog = 1024;

// A server whose listening socket takes a longer accept queue. Linux lets
// listen() be called again on a listening socket to change its backlog.
template <typename Base>
class WideBacklog : public Base {
 public:
  using Base::Base;

  bool widen_backlog() { return ::listen(this->svr_sock_, kListenBacklog) == 0; }
};

common::Instant system_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The service clock: system time, or the demo clock that starts at a
// given instant when the service starts and runs `speed` times faster.
class ServiceClock {
 public:
  void start_at(common::Instant start, double speed) {
    std::lock_guard lock(mutex_);
    start_ = start;
    speed_ = speed;
    origin_ = SteadyClock::now();
  }

  common::Instant now() const {
    std::lock_guard lock(mutex_);
    if (!start_) return system_now();
    const std::chrono::duration<double> real = SteadyClock::now() - origin_;
    const auto elapsed = std::chrono::seconds(static_cast<long long>(real.count() * speed_));
    return *start_ + elapsed;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<common::Instant> start_;
  double speed_ = 1;
  SteadyClock::time_point origin_;
};

void write_port_file(const std::string& data_dir, int port) {
  const fs::path file = fs::path(data_dir) / "port";
  const fs::path temporary = fs::path(data_dir) / "port.tmp";
  {
    std::ofstream out(temporary);
    out << port << '\n';
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  // Readers poll for the file; the rename makes it appear whole.
  fs::rename(temporary, file);
}

// The metrics label of a request that no route handler counted.
std::string route_label_for(const httplib::Request& request) {
  if (request.path.rfind("/console/", 0) == 0) return "/console/";
  if (request.path == "/" || request.path == "/console") return request.path;
  return "other";
}

}  // namespace

struct Service::Impl {
  // First member, so that the lock is released after everything else closes.
  std::optional<common::FolderLock> data_lock;
  ServiceClock clock;
  std::unique_ptr<ServiceState> state;
  std::unique_ptr<httplib::Server> server;
  std::function<bool()> widen_backlog;  // on the bound socket of `server`
  int port = 0;
  bool started = false;
  bool finished = false;

  std::thread http_thread;
  std::thread ticker_thread;
  std::thread delivery_thread;
  std::mutex wake_mutex;
  std::condition_variable wake;
  bool threads_stop = false;
  std::map<std::string, std::size_t> failed_deliveries;  // by campaign, as last logged
  // The ticker runs every second; a failure that recurs is logged once a minute.
  LogRateLimit ticker_failures{std::chrono::minutes(1)};

  void open_campaigns();
  void check_team_routes() const;
  void start_clock();
  void apply_stored_alerts();
  void build_server();
  void add_console();
  bool sleep_tick();
  void run_ticker();
  void run_delivery();
  void deliver_all();
  std::size_t open_holds() const;
  void stop_threads();
};

Service::Service(ServiceConfig config, ServiceClocks clocks) : impl_(std::make_unique<Impl>()) {
  std::error_code error;
  fs::create_directories(config.data_dir, error);
  if (error) {
    throw std::runtime_error("cannot create the data folder " + config.data_dir + ": " +
                             error.message() + "; check `data` in the service section");
  }

  Impl& impl = *impl_;
  // Two services on one data folder would hand the same person to two agents.
  try {
    impl.data_lock.emplace(config.data_dir);
  } catch (const common::FolderBusy& busy) {
    throw std::runtime_error(
        "another vigie serve" +
        (busy.holder_pid() > 0 ? " (pid " + std::to_string(busy.holder_pid()) + ")"
                               : std::string()) +
        " is using the data folder " + config.data_dir +
        "; stop it first, or give another `data` folder in the service section");
  }

  for (const std::string& warning : config.warnings)
    log_warn("config warning", {{"warning", warning}});

  auto campaign_now = clocks.campaign ? clocks.campaign : [&impl] { return impl.clock.now(); };
  auto wall_now = clocks.wall ? clocks.wall : system_now;
  impl.state = std::make_unique<ServiceState>(std::move(config), campaign_now, wall_now);

  impl.open_campaigns();
  impl.check_team_routes();
  if (!clocks.campaign) impl.start_clock();
  impl.apply_stored_alerts();
}

Service::~Service() {
  if (!impl_->started || impl_->finished) return;
  try {
    begin_shutdown();
    finish_shutdown();
  } catch (const std::exception& error) {
    log_error("stopping the service failed", {{"error", error.what()}});
  }
}

void Service::Impl::open_campaigns() {
  for (const CampaignEntry& entry : state->config.campaigns) {
    const std::string name = campaign_name_of(state->config, entry);
    if (state->campaigns.find(name)) {
      throw runtime::RunError(
          config_error_text(state->config, entry.position,
                            "campaign " + name + " is listed twice; keep one entry per campaign"));
    }
    state->campaigns.add(open_campaign(state->config, entry, name));
    log_info("campaign opened", {{"campaign", name}});
  }
}

// A team role must name a route of some campaign, or its user could never
// see anything.
void Service::Impl::check_team_routes() const {
  std::set<std::string> routes;
  for (const LivePtr& campaign : state->campaigns.all()) {
    for (const ir::Route& route : campaign->campaign().routes) routes.insert(route.name);
  }
  for (const UserEntry& user : state->config.users) {
    for (const UserRole& role : user.roles) {
      if (role.role != Role::team || routes.count(role.route) != 0) continue;
      std::string known;
      for (const std::string& route : routes) known += (known.empty() ? "" : ", ") + route;
      throw config::ConfigError(config_error_text(
          state->config, role.position,
          "user " + user.name + " has role team:" + role.route + " but no campaign has a route " +
              role.route + "; the routes are " + (known.empty() ? "none" : known)));
    }
  }
}

void Service::Impl::start_clock() {
  const std::optional<DemoClock>& demo = state->config.clock;
  if (!demo) return;

  common::Instant start{};
  if (demo->start_utc) {
    start = *demo->start_utc;
  } else {
    // A local start is read in the first campaign's zone.
    const LivePtr first = state->campaigns.all().front();
    const date::time_zone* zone = common::find_zone(first->campaign().timezone);
    if (!zone) {
      throw config::ConfigError(config_error_text(
          state->config, demo->position,
          "clock start has no zone and campaign " + first->name() + "'s zone " +
              first->campaign().timezone + " is unknown; end the start with Z or +HH:MM"));
    }
    start = common::to_instant(*demo->start_local, zone);
  }
  clock.start_at(start, demo->speed);
  log_warn("demo clock in use: campaign time is not real time",
           {{"start", iso(start)}, {"speed", demo->speed}});
}

void Service::Impl::apply_stored_alerts() {
  const common::Instant now = state->campaign_now();
  for (const AlertRecord& alert : state->alerts.list()) {
    for (const LivePtr& campaign : state->campaigns.all()) {
      // A cycle that cannot start stays due: the campaign keeps the alert and
      // its ticker tries the start again, so the service still starts.
      try {
        const std::optional<int> cycle = campaign->apply_alert(alert_level(alert), now);
        if (cycle) {
          log_info("cycle started",
                   {{"campaign", campaign->name()}, {"cycle", *cycle}, {"alert", alert.name}});
        }
      } catch (const runtime::RunError& error) {
        log_error("cycle start failed",
                  {{"campaign", campaign->name()}, {"alert", alert.name}, {"error", error.what()}});
      }
    }
  }
}

int Service::start() {
  Impl& impl = *impl_;
  if (impl.started) return impl.port;
  impl.build_server();

  const ServiceConfig& config = impl.state->config;
  if (config.port == 0) {
    impl.port = impl.server->bind_to_any_port(config.listen);
  } else {
    impl.port = impl.server->bind_to_port(config.listen, config.port) ? config.port : -1;
  }
  if (impl.port <= 0) {
    throw std::runtime_error("cannot listen on " + config.listen + ":" +
                             std::to_string(config.port) +
                             ": the address is not local or the port is in use; change `listen` "
                             "or `port` in the service section");
  }
  if (!impl.widen_backlog()) {
    log_warn("the listen backlog stays at 5; agents may wait when many connect at once");
  }
  write_port_file(config.data_dir, impl.port);

  impl.started = true;
  impl.http_thread = std::thread([&impl] { impl.server->listen_after_bind(); });
  impl.ticker_thread = std::thread([&impl] { impl.run_ticker(); });
  impl.delivery_thread = std::thread([&impl] { impl.run_delivery(); });
  log_info("vigie serve listening",
           {{"listen", config.listen},
            {"port", impl.port},
            {"tls", config.tls.has_value()},
            {"threads", config.threads},
            {"campaigns", static_cast<long long>(impl.state->campaigns.all().size())}});
  return impl.port;
}

int Service::port() const {
  return impl_->port;
}

void Service::Impl::build_server() {
  const ServiceConfig& config = state->config;
  if (config.tls) {
    auto tls_server = std::make_unique<WideBacklog<httplib::SSLServer>>(
        config.tls->certificate.c_str(), config.tls->key.c_str());
    if (!tls_server->is_valid()) {
      throw std::runtime_error("cannot start TLS with certificate " + config.tls->certificate +
                               " and key " + config.tls->key +
                               ": check that both are PEM files and that the key matches the "
                               "certificate");
    }
    widen_backlog = [raw = tls_server.get()] { return raw->widen_backlog(); };
    server = std::move(tls_server);
  } else {
    auto plain_server = std::make_unique<WideBacklog<httplib::Server>>();
    widen_backlog = [raw = plain_server.get()] { return raw->widen_backlog(); };
    server = std::move(plain_server);
  }

  // Each keep-alive connection occupies one pool thread until it closes or
  // stays idle for keep_alive, so the pool must outnumber the agents'
  // connections. A connection that finds every thread busy waits in the queue.
  const auto threads = static_cast<std::size_t>(config.threads);
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server->set_keep_alive_timeout(config.keep_alive.count());
  server->set_keep_alive_max_count(kRequestsPerConnection);
  server->set_read_timeout(kReadTimeoutSeconds, 0);
  server->set_payload_max_length(kMaxBody);
  // The headers and the body leave in separate writes. With Nagle's
  // algorithm on, the body waits for the client's delayed ACK (about 40 ms
  // on Linux) on every keep-alive request.
  server->set_tcp_nodelay(true);

  httplib::Headers security = {{"Content-Security-Policy", "default-src 'self'"},
                               {"X-Content-Type-Options", "nosniff"},
                               {"X-Frame-Options", "DENY"},
                               {"Referrer-Policy", "no-referrer"}};
  if (config.tls) security.emplace("Strict-Transport-Security", "max-age=31536000");
  server->set_default_headers(security);

  server->set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    start_request_clock();
    // cpp-httplib decodes %00 and the like into the path, where a NUL would
    // cut the file name the console handler opens from its extension.
    const bool control = std::any_of(request.path.begin(), request.path.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == '\x7f';
    });
    if (control) {
      reply_error(response, 400, "invalid",
                  "the request path contains a control character (such as %00); remove it");
      return httplib::Server::HandlerResponse::Handled;
    }
    // The API uses only GET, POST and DELETE (HEAD is served as GET); other
    // methods would otherwise get a misleading 404.
    const std::string& method = request.method;
    if (request.path.rfind("/api/", 0) == 0 && method != "GET" && method != "HEAD" &&
        method != "POST" && method != "DELETE") {
      reply_error(response, 405, "method_not_allowed",
                  "the API does not accept " + method + "; use GET, POST or DELETE");
      response.set_header("Allow", "GET, POST, DELETE");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Without the slash, the console's relative links would miss.
    if (request.path == "/console" || request.path == "/") {
      response.set_redirect("/console/");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  ServiceState* shared = state.get();
  server->set_logger([shared](const httplib::Request& request, const httplib::Response& response) {
    if (!request_counted()) {
      count_request(shared->metrics, route_label_for(request), response.status);
    }
    // A next request rejected before routing is then counted too.
    start_request_clock();
  });
  // Fills the body of errors that no handler wrote (unknown routes, bodies
  // over the limit); the API's own errors already have one.
  const httplib::Server::HandlerWithResponse error_handler = [](const httplib::Request& request,
                                                                httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (response.status == 413) {
      // cpp-httplib 0.11 limits form-encoded bodies to
      // CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH (8 KiB), below kMaxBody.
      const bool form =
          request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) ==
          0;
      reply_error(response, 413, "too_large",
                  form ? "a form-encoded body is limited to " +
                             std::to_string(CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH / 1024) +
                             " KiB; send JSON with Content-Type: application/json, limited to " +
                             std::to_string(kMaxBody / (1024 * 1024)) + " MiB"
                       : "the request body is larger than " +
                             std::to_string(kMaxBody / (1024 * 1024)) + " MiB");
    } else if (response.status == 404) {
      reply_error(response, 404, "not_found", "no route " + request.method + " " + request.path);
    } else if (response.status == 400) {
      reply_error(response, 400, "invalid",
                  "malformed HTTP request (a POST needs a Content-Length header, 0 for no body)");
    } else {
      reply_error(
          response, response.status, "invalid",
          "the request could not be handled (HTTP " + std::to_string(response.status) + ")");
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  server->set_error_handler(error_handler);
  server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string text = "unknown error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& failure) {
          text = failure.what();
        } catch (...) {
        }
        log_error("request failed", {{"error", text}});
        reply_error(response, 500, "internal",
                    "the service failed to handle this request; its log has the cause");
      });

  Router router(*server, *state);
  add_session_routes(router);
  add_campaign_routes(router);
  add_alert_routes(router);
  add_desk_routes(router);
  add_alert_desk_routes(router);
  add_supervision_routes(router);
  add_console();
}

void Service::Impl::add_console() {
  const std::string folder =
      state->config.console_dir
          ? *state->config.console_dir
          : (fs::path(plugin::bundled_plugin_dir()).parent_path() / "console").string();
  std::error_code error;
  if (!fs::is_directory(folder, error) || !server->set_mount_point("/console/", folder)) {
    log_warn("no web console: its folder is missing; the API works without it",
             {{"console", folder}});
    return;
  }
  log_info("web console served", {{"console", folder}});
}

// Sleeps one tick; returns false when the threads must stop.
bool Service::Impl::sleep_tick() {
  std::unique_lock lock(wake_mutex);
  wake.wait_for(lock, kTickEvery, [&] { return threads_stop; });
  return !threads_stop;
}

void Service::Impl::run_ticker() {
  while (sleep_tick()) {
    const common::Instant now = state->campaign_now();
    for (const LivePtr& campaign : state->campaigns.all()) {
      try {
        campaign->tick(now);
      } catch (const std::exception& error) {
        const std::size_t count =
            ticker_failures.admit(campaign->name(), LogRateLimit::Clock::now());
        if (count > 0) {
          log_error("periodic work failed",
                    {{"campaign", campaign->name()}, {"error", error.what()}, {"count", count}});
        }
      }
    }
    state->sessions.purge(state->wall_now());
  }
}

void Service::Impl::run_delivery() {
  while (sleep_tick()) deliver_all();
}

void Service::Impl::deliver_all() {
  for (const LivePtr& campaign : state->campaigns.all()) {
    try {
      const auto [delivered, failed] = campaign->deliver_alerts();
      if (delivered > 0) {
        log_info("alerts delivered", {{"campaign", campaign->name()}, {"delivered", delivered}});
      }
      // A notifier that stays down fails every second; log changes only.
      std::size_t& logged = failed_deliveries[campaign->name()];
      if (failed != logged) {
        if (failed > 0) {
          log_warn("alerts not delivered; retrying every second",
                   {{"campaign", campaign->name()}, {"failed", failed}});
        }
        logged = failed;
      }
    } catch (const std::exception& error) {
      log_error("alert delivery failed", {{"campaign", campaign->name()}, {"error", error.what()}});
    }
  }
}

std::size_t Service::Impl::open_holds() const {
  std::size_t holds = 0;
  const common::Instant now = state->campaign_now();
  for (const LivePtr& campaign : state->campaigns.all()) {
    for (const runtime::CycleStatus& cycle : campaign->status(now).cycles) holds += cycle.held;
  }
  return holds;
}

void Service::begin_shutdown() {
  Impl& impl = *impl_;
  if (impl.state->stopping.exchange(true)) return;
  for (const LivePtr& campaign : impl.state->campaigns.all()) campaign->begin_shutdown();
  log_info(
      "stopping: no new contact is handed out",
      {{"grace_s", impl.state->config.shutdown_grace.count()}, {"holds_open", impl.open_holds()}});
}

void Service::drain(const std::function<bool()>& cut_short) {
  Impl& impl = *impl_;
  const auto deadline = SteadyClock::now() + impl.state->config.shutdown_grace;
  while (impl.open_holds() > 0 && SteadyClock::now() < deadline) {
    if (cut_short && cut_short()) {
      log_warn("stopping at once: grace cut short");
      return;
    }
    std::this_thread::sleep_for(kDrainPoll);
  }
}

void Service::Impl::stop_threads() {
  {
    std::lock_guard lock(wake_mutex);
    threads_stop = true;
  }
  wake.notify_all();
  if (ticker_thread.joinable()) ticker_thread.join();
  if (delivery_thread.joinable()) delivery_thread.join();
}

std::size_t Service::finish_shutdown() {
  Impl& impl = *impl_;
  if (impl.finished) return 0;
  impl.finished = true;
  impl.stop_threads();

  std::size_t released = 0;
  const common::Instant now = impl.state->campaign_now();
  for (const LivePtr& campaign : impl.state->campaigns.all()) {
    try {
      released += campaign->release_all(now);
    } catch (const std::exception& error) {
      log_error("releasing holds failed",
                {{"campaign", campaign->name()}, {"error", error.what()}});
    }
  }
  impl.deliver_all();

  if (impl.server) impl.server->stop();
  if (impl.http_thread.joinable()) impl.http_thread.join();

  std::size_t undelivered = 0;
  for (const LivePtr& campaign : impl.state->campaigns.all()) {
    undelivered += campaign->status(now).outbox_pending;
  }
  // Closing the campaigns closes their stores.
  impl.state->campaigns.clear();
  log_info("vigie serve stopped",
           {{"holds_released", released}, {"alerts_undelivered", undelivered}});
  return released;
}

}  // namespace vigie::service
