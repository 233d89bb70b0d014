#include "app/serve_command.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <string>

#include <sodium.h>

#include "common/diagnostic.hpp"
#include "config/config.hpp"
#include "runtime/run.hpp"
#include "service/auth.hpp"
#include "service/log.hpp"
#include "service/server.hpp"
#include "service/service_config.hpp"

namespace vigie::app {

namespace {

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

const char* signal_name(int signal) {
  return signal == SIGINT ? "SIGINT" : "SIGTERM";
}

// Runs the service until a stop signal, then shuts it down as the docs
// describe: a second signal cuts the grace short.
int serve(service::ServiceConfig config, const sigset_t& signals) {
  service::Service server(std::move(config));
  server.start();

  int signal = 0;
  sigwait(&signals, &signal);
  service::log_info("stop signal received", {{"signal", signal_name(signal)}});

  server.begin_shutdown();
  server.drain([&signals] {
    const timespec no_wait{0, 0};
    return sigtimedwait(&signals, nullptr, &no_wait) > 0;
  });
  server.finish_shutdown();
  return 0;
}

// The terminal settings to restore if the user interrupts `vigie passwd`
// while echo is off.
termios saved_terminal{};
volatile std::sig_atomic_t echo_off = 0;

void restore_echo_and_exit(int signal) {
  if (echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// Reads one line from the terminal with echo off.
bool read_hidden(const char* prompt, std::string& line, std::ostream& err) {
  err << prompt << std::flush;
  termios quiet = saved_terminal;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  echo_off = 1;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  echo_off = 0;
  err << '\n';
  return read;
}

void wipe(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace

int run_serve(const ServeCommand& command, std::ostream& err) {
  // The data folder contains personal data: the SQLite stores with their -wal
  // and -shm files, the notifiers' CSV files and the audit log. SQLite and
  // the notifiers create files 0644, so the umask keeps every file and folder
  // the service creates readable by its own user only.
  ::umask(077);

  // Block the stop signals in every thread the service starts, so that
  // only sigwait below receives them.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    service::ServiceConfig config = service::load_service_config(command.config_path);
    service::use_json_lines();
    service::log_info("vigie serve starting", {{"config", command.config_path}});
    return serve(std::move(config), signals);
  } catch (const config::ConfigError& error) {
    err << error.what() << '\n';
    return 2;
  } catch (const runtime::CampaignError& error) {
    common::print_diagnostics(err, error.diagnostics(), error.sources());
    return 1;
  } catch (const std::exception& error) {
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
}

int run_passwd(std::istream& in, std::ostream& out, std::ostream& err) {
  std::string password;
  const bool terminal = &in == &std::cin && isatty(STDIN_FILENO) != 0 &&
                        tcgetattr(STDIN_FILENO, &saved_terminal) == 0;
  if (terminal) {
    std::signal(SIGINT, restore_echo_and_exit);
    std::signal(SIGTERM, restore_echo_and_exit);
    if (!read_hidden("Password: ", password, err)) {
      err << "vigie: no password read; type it, then Enter\n";
      return 2;
    }
    // Asking to repeat an empty password would only delay the same error.
    if (password.empty()) {
      err << "vigie: the password is empty; choose a non-empty one\n";
      return 2;
    }
    std::string again;
    const bool read = read_hidden("Repeat the password: ", again, err);
    const bool same = read && password == again;
    wipe(again);
    if (!read) {
      wipe(password);
      err << "vigie: no password read; type it, then Enter\n";
      return 2;
    }
    if (!same) {
      wipe(password);
      err << "vigie: the two passwords differ; run vigie passwd again\n";
      return 2;
    }
  } else if (!std::getline(in, password)) {
    err << "vigie: no password on standard input; pipe one line, as in: printf '%s\\n' \"$PW\" | "
           "vigie passwd\n";
    return 2;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();

  if (password.empty()) {
    err << "vigie: the password is empty; choose a non-empty one\n";
    return 2;
  }
  if (password.find_first_not_of(" \t") == std::string::npos) {
    wipe(password);
    err << "vigie: the password has only spaces; choose one with other characters\n";
    return 2;
  }
  try {
    out << service::hash_password(password) << '\n';
  } catch (const std::exception& error) {
    wipe(password);
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
  wipe(password);
  return 0;
}

}  // namespace vigie::app
