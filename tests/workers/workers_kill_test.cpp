// Runs `vigie work` processes on one campaign cycle through a throwaway
// PostgreSQL server on 127.0.0.1, kills one with SIGKILL mid-cycle and
// lets the others finish. The database is then checked against a
// one-process `vigie run` of the same campaign, register and replay on
// SQLite. Every contact has one outcome, the same attempts and the same
// results. No attempt overlaps another on its contact or number, no
// contact was held by two workers at once, and every alert left the outbox.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <date/date.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "common/time.hpp"
#include "store/pg_fixture.hpp"

namespace fs = std::filesystem;

namespace {

using vigie::testing::start_vigie;
using vigie::testing::wait_for;

constexpr int kContacts = 300;
// Contacts kContacts - kShared + 1 .. kContacts share the number of the
// contact kShared places before them.
constexpr int kShared = 20;
const char* const kActivate = "2019-06-24T10:00";
const char* const kNotifierFiles[] = {"cellule_urgence.csv", "casvp.csv", "equipe_visites.csv"};

std::string id_of(int i) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "W%04d", i);
  return buffer;
}

// Fictional Paris numbers, 01 99 10 00 01 and up.
std::string phone_of(int i) {
  const int owner = i > kContacts - kShared ? i - kShared : i;
  const int digits = 100000 + owner;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "01 99 %02d %02d %02d", digits / 10000, digits / 100 % 100,
                digits % 100);
  return buffer;
}

// A register of kContacts people aged 65 or more, one person too young for
// the audience, and two rows the import rejects.
void write_register(const fs::path& path) {
  std::ofstream out(path);
  out << "id;phone;phone2;last_name;first_name;birth;arrondissement;lives_alone;tz\n";
  const char* const alone[] = {"oui", "non", ""};
  for (int i = 1; i <= kContacts; ++i) {
    out << id_of(i) << ';' << phone_of(i) << ";;Nom" << i << ";Prenom" << i << ";01/03/"
        << 1925 + i % 30 << ';' << 1 + i % 20 << ';' << alone[i % 3] << ";\n";
  }
  out << "W9001;01 99 20 00 01;;Jeune;Paul;01/03/1990;5;non;\n";
  out << "W9002;12345;;Faux;Numero;01/03/1930;5;non;\n";
  out << "W9003;01 99 20 00 03;;Date;Fausse;31/02/1930;5;non;\n";
}

// Every path through the retry policy, with short calls so that two call
// lines reach everybody well inside the 48-hour window.
void write_replay(const fs::path& path) {
  const std::string calm = "alone=no;visits=daily;health=no;cool_room=yes;water=2;temp=24";
  const std::string urgent =
      "alone=yes;visits=rarely;health=yes;symptoms=confusion|fatigue;cool_room=no;temp=33";
  const std::string social = "alone=yes;visits=rarely;health=no;cool_room=no;temp=26";
  std::ofstream out(path);
  out << "contact_id,attempt,disposition,duration_s,answers,callback_at\n";
  for (int i = 1; i <= kContacts; ++i) {
    const std::string id = id_of(i);
    switch (i % 9) {
      case 0:
        out << id << ",1,no_answer,35,,\n" << id << ",2,completed,100,\"" << calm << "\",\n";
        break;
      case 1:
        out << id << ",1,completed,120,\"" << urgent << "\",\n";
        break;
      case 2:  // four unanswered attempts: unreachable, then a home visit
        out << id << ",1,busy,20,,\n" << id << ",2,no_answer,40,,\n";
        out << id << ",3,voicemail,30,,\n" << id << ",4,no_answer,40,,\n";
        break;
      case 3:
        out << id << ",1,refused,30,,\n";
        break;
      case 4:
        out << id << ",1,callback,40,,2019-06-25T11:00\n"
            << id << ",2,completed,100,\"" << social << "\",\n";
        break;
      case 5:
        out << id << ",1,partial,60,\"alone=yes;visits=weekly\",\n"
            << id << ",2,completed,100,\"" << calm << "\",\n";
        break;
      case 6:
        out << id << ",1,failed,10,,\n"
            << id << ",2,failed,10,,\n"
            << id << ",3,completed,90,\"" << social << "\",\n";
        break;
      case 7:
        out << id << ",1,hospitalized,25,,\n";
        break;
      default:  // no line: no_answer every time, unreachable after four
        break;
    }
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Attempt {
  int attempt = 0;
  std::string start;
  std::string end;
  std::string disposition;
  std::string callback_at;  // empty when the attempt asked for no time
};

struct Outcome {
  std::string outcome;
  int useful = 0;
  int attempts = 0;
};

// Everything a run stored, by contact, read through one SOCI session.
struct Stored {
  std::map<std::string, std::string> phones;
  std::map<std::string, std::vector<Attempt>> attempts;
  std::map<std::string, Outcome> outcomes;
  std::map<std::string, std::map<std::string, double>> scores;
  std::map<std::string, std::set<std::string>> routes;
  long long rejected = 0;

  explicit Stored(soci::session& sql) {
    soci::rowset<soci::row> contacts = sql.prepare << "SELECT contact_id, phone FROM contacts";
    for (const soci::row& row : contacts) phones[row.get<std::string>(0)] = row.get<std::string>(1);

    soci::rowset<soci::row> rows =
        sql.prepare << "SELECT contact_id, attempt, started_at, ended_at, disposition, "
                       "callback_at FROM attempts ORDER BY contact_id, attempt";
    for (const soci::row& row : rows) {
      const std::string callback_at =
          row.get_indicator(5) == soci::i_ok ? row.get<std::string>(5) : std::string();
      attempts[row.get<std::string>(0)].push_back({row.get<int>(1), row.get<std::string>(2),
                                                   row.get<std::string>(3), row.get<std::string>(4),
                                                   callback_at});
    }
    soci::rowset<soci::row> decided =
        sql.prepare << "SELECT contact_id, outcome, useful, attempts FROM outcomes";
    for (const soci::row& row : decided) {
      outcomes[row.get<std::string>(0)] = {row.get<std::string>(1), row.get<int>(2),
                                           row.get<int>(3)};
    }
    soci::rowset<soci::row> score_rows = sql.prepare
                                         << "SELECT contact_id, score, value FROM scores";
    for (const soci::row& row : score_rows) {
      scores[row.get<std::string>(0)][row.get<std::string>(1)] = row.get<double>(2);
    }
    soci::rowset<soci::row> route_rows = sql.prepare
                                         << "SELECT contact_id, route FROM fired_routes";
    for (const soci::row& row : route_rows) {
      routes[row.get<std::string>(0)].insert(row.get<std::string>(1));
    }
    sql << "SELECT COUNT(*) FROM rejected_rows", soci::into(rejected);
  }

  std::map<std::string, double> scores_of(const std::string& contact) const {
    auto it = scores.find(contact);
    return it == scores.end() ? std::map<std::string, double>{} : it->second;
  }

  std::set<std::string> routes_of(const std::string& contact) const {
    auto it = routes.find(contact);
    return it == routes.end() ? std::set<std::string>{} : it->second;
  }

  std::vector<std::string> dispositions(const std::string& contact) const {
    std::vector<std::string> list;
    auto it = attempts.find(contact);
    if (it == attempts.end()) return list;
    for (const Attempt& attempt : it->second) list.push_back(attempt.disposition);
    return list;
  }
};

long long count(soci::session& sql, const std::string& query) {
  long long n = -1;
  sql << query, soci::into(n);
  return n;
}

// Route and contact of every alert line the workers' csv_file notifiers
// wrote.
std::set<std::pair<std::string, std::string>> delivered_alerts(const std::vector<fs::path>& dirs) {
  std::set<std::pair<std::string, std::string>> alerts;
  for (const fs::path& dir : dirs) {
    for (const char* name : kNotifierFiles) {
      std::istringstream in(read_file(dir / name));
      std::string line;
      std::getline(in, line);  // header
      while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
        if (fields.size() >= 3) alerts.emplace(fields[1], fields[2]);
      }
    }
  }
  return alerts;
}

// Waits until `minimum` attempts are stored, or a minute has passed, and
// returns how many are stored.
long long wait_for_attempts(soci::session& sql, long long minimum) {
  long long stored = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stored < minimum && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // The first worker creates the schema.
    const long long tables =
        count(sql, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'attempts'");
    if (tables > 0) stored = count(sql, "SELECT COUNT(*) FROM attempts");
  }
  return stored;
}

// Parses an instant as stored, "2019-06-24T08:04:15Z".
date::sys_seconds instant(const std::string& text) {
  const std::optional<vigie::common::Instant> value = vigie::common::parse_utc_iso(text);
  REQUIRE(value.has_value());
  return *value;
}

struct Fixture {
  fs::path dir;
  fs::path roster;
  fs::path replay;
  std::string store;

  Fixture() {
    dir = fs::temp_directory_path() / ("vigie-workers-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    roster = dir / "register.csv";
    replay = dir / "replay.csv";
    write_register(roster);
    write_replay(replay);
    store = vigie::store::test::shared_postgres().create_database();
  }
  ~Fixture() { fs::remove_all(dir); }

  std::vector<std::string> run_arguments(const fs::path& out) const {
    return {"run",        "campaigns/canicule.vigie",
            "--roster",   roster.string(),
            "--dialer",   "replay:" + replay.string(),
            "--activate", kActivate,
            "--out",      out.string(),
            "--quiet"};
  }

  // Arguments of a worker replaying the replay file, or of a worker with
  // the simulated dialer when `simulated` is set.
  std::vector<std::string> work_arguments(const std::string& worker, bool simulated = false) const {
    std::vector<std::string> arguments = {"work",       "campaigns/canicule.vigie",
                                          "--store",    store,
                                          "--worker",   worker,
                                          "--roster",   roster.string(),
                                          "--activate", kActivate,
                                          "--lease",    "2s",
                                          "--out",      (dir / worker).string(),
                                          "--quiet"};
    if (simulated) {
      arguments.insert(arguments.end(), {"--dialer", "simulated", "--seed", "7"});
    } else {
      arguments.insert(arguments.end(), {"--dialer", "replay:" + replay.string()});
    }
    return arguments;
  }
};

}  // namespace

TEST_CASE("workers killed mid-cycle finish like one run", "[workers]") {
  Fixture f;

  const fs::path reference = f.dir / "reference";
  REQUIRE(wait_for(start_vigie(f.run_arguments(reference), f.dir / "reference.log")) == 0);
  soci::session reference_sql(*soci::factory_sqlite3(),
                              "db=\"" + (reference / "vigie.db").string() + "\"");
  const Stored expected(reference_sql);
  REQUIRE(expected.outcomes.size() == static_cast<std::size_t>(kContacts));

  // Two workers start together; the first is killed once about a fifth of
  // the attempts are stored, and a third joins the cycle.
  const pid_t a = start_vigie(f.work_arguments("a"), f.dir / "a.log");
  const pid_t b = start_vigie(f.work_arguments("b"), f.dir / "b.log");
  soci::session sql(*soci::factory_postgresql(),
                    f.store.substr(std::string("postgresql://").size()));
  const long long stored_attempts = wait_for_attempts(sql, 150);
  ::kill(a, SIGKILL);
  CHECK(wait_for(a) == -1);
  const pid_t c = start_vigie(f.work_arguments("c"), f.dir / "c.log");
  const int b_status = wait_for(b);
  const int c_status = wait_for(c);
  INFO("worker b:\n"
       << read_file(f.dir / "b.log") << "\nworker c:\n"
       << read_file(f.dir / "c.log"));
  REQUIRE(b_status == 0);
  REQUIRE(c_status == 0);
  // The kill landed mid-cycle, not after the end.
  CHECK(stored_attempts >= 150);
  CHECK(stored_attempts < static_cast<long long>(count(sql, "SELECT COUNT(*) FROM attempts")));

  const Stored actual(sql);

  {  // every contact has one outcome and the queue is empty
    CHECK(actual.phones.size() == expected.phones.size());
    CHECK(actual.outcomes.size() == expected.outcomes.size());
    for (const auto& [contact, phone] : actual.phones) {
      INFO(contact);
      CHECK(actual.outcomes.count(contact) == 1);
    }
    CHECK(count(sql, "SELECT COUNT(*) FROM work_queue WHERE state <> 'done'") == 0);
    CHECK(count(sql, "SELECT COUNT(*) FROM work_queue") == kContacts);
    CHECK(actual.rejected == expected.rejected);
    CHECK(count(sql, "SELECT COUNT(*) FROM cycles WHERE ended_at IS NOT NULL") == 1);
  }

  {  // attempts are numbered from 1 and stay within the cap
    for (const auto& [contact, attempts] : actual.attempts) {
      INFO(contact);
      for (std::size_t k = 0; k < attempts.size(); ++k) {
        CHECK(attempts[k].attempt == static_cast<int>(k) + 1);
      }
      CHECK(attempts.size() <= 4);
      CHECK(actual.outcomes.at(contact).attempts == static_cast<int>(attempts.size()));
    }
  }

  {  // contacts with their own number match the one-process run
    std::map<std::string, int> sharing;
    for (const auto& [contact, phone] : actual.phones) ++sharing[phone];
    std::size_t compared = 0;
    for (const auto& [contact, outcome] : expected.outcomes) {
      if (sharing[expected.phones.at(contact)] > 1) continue;
      INFO(contact);
      ++compared;
      CHECK(actual.dispositions(contact) == expected.dispositions(contact));
      REQUIRE(actual.outcomes.count(contact) == 1);
      CHECK(actual.outcomes.at(contact).outcome == outcome.outcome);
      CHECK(actual.outcomes.at(contact).useful == outcome.useful);
      CHECK(actual.scores_of(contact) == expected.scores_of(contact));
      CHECK(actual.routes_of(contact) == expected.routes_of(contact));
    }
    CHECK(compared == static_cast<std::size_t>(kContacts - 2 * kShared));
  }

  {  // no attempts overlap on a contact or a number
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> calls;
    for (const auto& [contact, attempts] : actual.attempts) {
      for (const Attempt& attempt : attempts) {
        calls[actual.phones.at(contact)].emplace_back(attempt.start, attempt.end);
      }
    }
    std::size_t shared_numbers = 0;
    for (auto& [phone, intervals] : calls) {
      std::sort(intervals.begin(), intervals.end());
      for (std::size_t k = 1; k < intervals.size(); ++k) {
        INFO(intervals[k - 1].first << " to " << intervals[k - 1].second << ", then "
                                    << intervals[k].first);
        CHECK(intervals[k - 1].second <= intervals[k].first);
      }
      std::set<std::string> members;
      for (const auto& [contact, number] : actual.phones) {
        if (number == phone) members.insert(contact);
      }
      if (members.size() > 1) ++shared_numbers;
    }
    CHECK(shared_numbers == static_cast<std::size_t>(kShared));
  }

  {  // no contact or number was held by two workers at once
    struct Claim {
      std::string contact;
      std::string worker;
      long long from = 0;
      long long until = 0;  // the release, else the lease's end
    };
    std::map<std::string, std::vector<Claim>> by_number;
    std::map<std::string, std::size_t> by_worker;
    soci::rowset<soci::row> rows =
        sql.prepare << "SELECT contact_id, worker, claimed_ms, lease_until_ms, released_ms FROM "
                       "work_claims ORDER BY claimed_ms, contact_id";
    for (const soci::row& row : rows) {
      Claim claim{row.get<std::string>(0), row.get<std::string>(1), row.get<long long>(2),
                  row.get<long long>(3)};
      if (row.get_indicator(4) == soci::i_ok) claim.until = row.get<long long>(4);
      by_number[actual.phones.at(claim.contact)].push_back(claim);
      ++by_worker[claim.worker];
    }
    for (const auto& [phone, claims] : by_number) {
      for (std::size_t k = 1; k < claims.size(); ++k) {
        INFO(claims[k - 1].worker << " held a number until " << claims[k - 1].until << ", "
                                  << claims[k].worker << " claimed it at " << claims[k].from);
        CHECK(claims[k - 1].until <= claims[k].from);
      }
    }
    CHECK(by_worker["a"] > 0);
    CHECK(by_worker["b"] > 0);
  }

  {  // every alert left the outbox and reached a notifier
    CHECK(count(sql, "SELECT COUNT(*) FROM fired_routes WHERE delivered = 0") == 0);
    std::set<std::pair<std::string, std::string>> delivered =
        delivered_alerts({f.dir / "a", f.dir / "b", f.dir / "c"});
    for (const auto& [contact, routes] : actual.routes) {
      for (const std::string& route : routes) {
        INFO(route << " for " << contact);
        CHECK(delivered.count({route, contact}) == 1);
      }
    }
  }

  {  // the queue was seeded once
    const std::string b_summary = read_file(f.dir / "b" / "work_summary.json");
    const std::string c_summary = read_file(f.dir / "c" / "work_summary.json");
    CHECK(c_summary.find("\"seeded_queue\": false") != std::string::npos);
    CHECK(count(sql, "SELECT COUNT(*) FROM contacts") == kContacts);
    CHECK(b_summary.find("\"worker\": \"b\"") != std::string::npos);
  }
}

namespace {

// The retry policy standard_48h of campaigns/common/paris.vigie, and the
// Paris calling hours in UTC for the week of 2019-06-24 (summer time, no
// public holiday, weekdays only before the window ends).
const std::map<std::string, std::chrono::minutes> kRetryDelays = {
    {"no_answer", std::chrono::hours(2)}, {"busy", std::chrono::minutes(30)},
    {"voicemail", std::chrono::hours(3)}, {"failed", std::chrono::minutes(15)},
    {"partial", std::chrono::hours(1)},   {"callback", std::chrono::hours(1)}};
const std::set<std::string> kFinalDispositions = {"completed", "wrong_number", "refused",
                                                  "deceased",  "away",         "hospitalized"};
constexpr int kMaxAttempts = 4;

date::sys_seconds window_start() {
  return instant("2019-06-24T08:00:00Z");
}
date::sys_seconds window_end() {
  return instant("2019-06-26T08:00:00Z");
}

// 09:00-19:00 in Paris is 07:00-17:00 UTC on these weekdays.
bool open_at(date::sys_seconds t) {
  const auto time_of_day = t - date::floor<date::days>(t);
  return time_of_day >= std::chrono::hours(7) && time_of_day < std::chrono::hours(17);
}

date::sys_seconds next_open(date::sys_seconds t) {
  if (open_at(t)) return t;
  const date::sys_days day = date::floor<date::days>(t);
  if (t - day < std::chrono::hours(7)) return day + std::chrono::hours(7);
  return day + date::days(1) + std::chrono::hours(7);
}

// The earliest start of the attempt that follows `attempt` under the policy.
date::sys_seconds earliest_retry(const Attempt& attempt) {
  const date::sys_seconds end = instant(attempt.end);
  if (attempt.disposition == "callback" && !attempt.callback_at.empty()) {
    return std::max(end, instant(attempt.callback_at));
  }
  auto delay = kRetryDelays.find(attempt.disposition);
  return end + (delay == kRetryDelays.end() ? std::chrono::hours(2) : delay->second);
}

}  // namespace

TEST_CASE("simulated workers follow the retry policy", "[workers]") {
  Fixture f;

  const pid_t a = start_vigie(f.work_arguments("a", /*simulated=*/true), f.dir / "a.log");
  const pid_t b = start_vigie(f.work_arguments("b", /*simulated=*/true), f.dir / "b.log");
  const pid_t c = start_vigie(f.work_arguments("c", /*simulated=*/true), f.dir / "c.log");
  soci::session sql(*soci::factory_postgresql(),
                    f.store.substr(std::string("postgresql://").size()));
  CHECK(wait_for_attempts(sql, 100) >= 100);
  ::kill(b, SIGKILL);
  CHECK(wait_for(b) == -1);
  const int a_status = wait_for(a);
  const int c_status = wait_for(c);
  INFO("worker a:\n"
       << read_file(f.dir / "a.log") << "\nworker c:\n"
       << read_file(f.dir / "c.log"));
  REQUIRE(a_status == 0);
  REQUIRE(c_status == 0);

  const Stored actual(sql);
  REQUIRE(actual.outcomes.size() == static_cast<std::size_t>(kContacts));
  std::size_t retried = 0;
  for (const auto& [contact, outcome] : actual.outcomes) {
    INFO(contact);
    auto found = actual.attempts.find(contact);
    REQUIRE(found != actual.attempts.end());
    const std::vector<Attempt>& attempts = found->second;
    REQUIRE(!attempts.empty());
    CHECK(attempts.size() <= static_cast<std::size_t>(kMaxAttempts));
    CHECK(outcome.attempts == static_cast<int>(attempts.size()));

    for (std::size_t k = 0; k < attempts.size(); ++k) {
      INFO("attempt " << attempts[k].attempt << " " << attempts[k].disposition << " at "
                      << attempts[k].start);
      const date::sys_seconds start = instant(attempts[k].start);
      CHECK(attempts[k].attempt == static_cast<int>(k) + 1);
      CHECK(open_at(start));
      CHECK(start >= window_start());
      CHECK(start < window_end());
      if (k == 0) continue;
      ++retried;
      CHECK(kFinalDispositions.count(attempts[k - 1].disposition) == 0);
      CHECK(start >= earliest_retry(attempts[k - 1]));
    }

    const Attempt& last = attempts.back();
    if (kFinalDispositions.count(last.disposition) != 0) {
      CHECK(outcome.outcome == last.disposition);
      continue;
    }
    CHECK(outcome.outcome == "unreachable");
    // Unreachable before the cap only when the next attempt would have
    // started at or after the window's end.
    if (attempts.size() < static_cast<std::size_t>(kMaxAttempts)) {
      CHECK(next_open(earliest_retry(last)) >= window_end());
    }
  }
  CHECK(retried > 0);
  CHECK(count(sql, "SELECT COUNT(*) FROM work_queue WHERE state <> 'done'") == 0);
}

TEST_CASE("vigie work rejects SQLite and bad options", "[workers]") {
  const fs::path dir =
      fs::temp_directory_path() / ("vigie-workers-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path roster = dir / "register.csv";
  write_register(roster);

  struct Case {
    std::string worker;
    std::string store;
    std::string lease;
    std::string message;
  };
  const std::string unused_store = "postgresql://host=127.0.0.1 dbname=none";
  const std::vector<Case> cases = {
      {"a", (dir / "vigie.db").string(), "30s", "shares its work queue through a PostgreSQL store"},
      {"a b", unused_store, "30s", "invalid --worker name 'a b'"},
      {"", unused_store, "30s", "invalid --worker name ''"},
      {"a", unused_store, "5x", "invalid --lease value '5x'"},
      {"a", unused_store, "25h", "--lease must be between 1s and 24h"},
  };
  for (const Case& test : cases) {
    INFO(test.worker << " on " << test.store << " with lease " << test.lease);
    const fs::path log = dir / "work.log";
    const pid_t pid =
        start_vigie({"work", "campaigns/canicule.vigie", "--store", test.store, "--worker",
                     test.worker, "--lease", test.lease, "--roster", roster.string(), "--activate",
                     kActivate, "--out", (dir / "out").string()},
                    log);
    CHECK(wait_for(pid) == 2);
    const std::string output = read_file(log);
    INFO(output);
    CHECK(output.find(test.message) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "vigie.db"));
  fs::remove_all(dir);
}

namespace {

// A port of 127.0.0.1 that nothing listens on: bound once, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// An engine config whose three notifiers post to `url` once, without retry.
std::string webhook_config(const fs::path& roster, const std::string& url) {
  std::ostringstream out;
  out << "sources:\n  reflex:\n    plugin: csv\n    path: " << roster.string() << "\n"
      << "notifiers:\n";
  for (const char* name : {"cellule_urgence", "casvp", "equipe_visites"}) {
    out << "  " << name << ":\n    plugin: webhook\n    url: " << url
        << "\n    secret: test-secret\n    timeout_s: 1\n    max_attempts: 1\n";
  }
  out << "pricing:\n  marche_2022:\n    plugin: volume_band\n    currency: EUR\n"
      << "    bands:\n      - {up_to: null, price: 3.10}\n";
  return out.str();
}

}  // namespace

TEST_CASE("vigie work leaves failed alerts for the next worker", "[workers]") {
  Fixture f;
  const fs::path config = f.dir / "webhook.yaml";
  std::ofstream(config) << webhook_config(
      f.roster, "http://127.0.0.1:" + std::to_string(closed_port()) + "/alerts");

  std::vector<std::string> failing = f.work_arguments("a");
  failing.insert(failing.end(), {"--config", config.string()});
  CHECK(wait_for(start_vigie(failing, f.dir / "a.log")) == 4);
  const std::string failing_output = read_file(f.dir / "a.log");
  INFO(failing_output);
  CHECK(failing_output.find("UNDELIVERED ALERTS") != std::string::npos);

  soci::session sql(*soci::factory_postgresql(),
                    f.store.substr(std::string("postgresql://").size()));
  const long long fired = count(sql, "SELECT COUNT(*) FROM fired_routes");
  CHECK(fired > 0);
  CHECK(count(sql, "SELECT COUNT(*) FROM fired_routes WHERE delivered = 0") == fired);
  CHECK(count(sql, "SELECT COUNT(*) FROM fired_routes WHERE delivery_attempts = 0") == 0);

  // A worker with the default csv_file notifiers joins the finished cycle
  // and delivers what is left in the outbox.
  CHECK(wait_for(start_vigie(f.work_arguments("b"), f.dir / "b.log")) == 0);
  CHECK(count(sql, "SELECT COUNT(*) FROM fired_routes WHERE delivered = 0") == 0);
  CHECK(delivered_alerts({f.dir / "b"}).size() == static_cast<std::size_t>(fired));
  CHECK(count(sql, "SELECT COUNT(*) FROM attempts WHERE contact_id IS NOT NULL") ==
        count(sql, "SELECT SUM(attempts) FROM work_queue"));
}
