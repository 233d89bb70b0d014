#pragma once
// `vigie serve`: the HTTP JSON API over the live campaigns, with access
// control, the audit log, metrics, the web console's files, a ticker that
// drives the campaigns' periodic work and a delivery thread that hands
// fired routes to the notifiers.
//
// Life cycle: construct (opens everything, starts nothing), start() (binds
// and serves), then on SIGTERM begin_shutdown(), drain() and
// finish_shutdown(). The destructor stops a running service without the
// grace.

#include <cstddef>
#include <functional>
#include <memory>

#include "common/time.hpp"
#include "service/service_config.hpp"

namespace vigie::service {

// Clocks that tests put in place of the real ones.
struct ServiceClocks {
  // The service clock that campaigns run on; default: the config's demo
  // clock, else system time.
  std::function<common::Instant()> campaign;
  // Real time for sessions, login limits and audit lines; default: system time.
  std::function<common::Instant()> wall;
};

class Service {
 public:
  // Creates the data folder, opens the audit log and the alerts, compiles
  // and opens every campaign and applies the stored alerts to them.
  // Throws config::ConfigError (a team role that names no route),
  // runtime::CampaignError (a campaign with errors), runtime::RunError (a
  // campaign that cannot run) and std::runtime_error (the data folder).
  explicit Service(ServiceConfig config, ServiceClocks clocks = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds the listen address, writes the port to <data>/port and starts
  // serving. Returns the port. Throws std::runtime_error naming the
  // address when it cannot bind, or the files when TLS cannot start.
  int start();
  int port() const;

  // SIGTERM, first step: /healthz turns 503 and no contact is handed out.
  void begin_shutdown();
  // Waits until no hold is open, the shutdown grace has passed, or
  // `cut_short` (polled about 5 times a second) returns true.
  void drain(const std::function<bool()>& cut_short = {});
  // Records the remaining holds as failed, delivers the outbox once more,
  // stops the listener and closes the campaigns' stores. Returns the
  // number of holds released.
  std::size_t finish_shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::service
