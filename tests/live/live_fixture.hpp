#pragma once
// Helpers shared by the tests of the live engine of `vigie serve`: the
// synthetic campaign of tests/live/data, instants in Paris time, fresh
// folders and a second look at the store.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "runtime/live.hpp"
#include "store/store.hpp"

namespace vigie::live_test {

namespace fs = std::filesystem;
using runtime::AlertLevel;
using runtime::Handout;
using runtime::LiveCampaign;
using runtime::LiveError;
using runtime::LiveOptions;
using runtime::NextStatus;
using runtime::PersonSubmission;
using runtime::Submission;

// A wall-clock time in Paris, "2019-06-24T10:00".
inline common::Instant paris(const std::string& local) {
  return common::to_instant(*common::parse_local_datetime(local),
                            date::locate_zone("Europe/Paris"));
}

// The alert is raised on Monday 24 June 2019 at 10:00 in Paris.
inline const common::Instant kStart = paris("2019-06-24T10:00");
// L09 lives in Nouméa, where calling opens at 09:00, 22:00 UTC the day before.
inline const common::Instant kNoumeaOpening = paris("2019-06-25T00:00");
inline constexpr std::chrono::seconds kSecond{1};
inline constexpr std::chrono::minutes kMinute{1};
inline constexpr std::chrono::hours kHour{1};

// An empty folder under the temporary folder, unique to this process.
inline fs::path fresh_dir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("vigie-live-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The options of the synthetic campaign `vague` on its 10-row register,
// with its store and notifier files in `dir`.
inline LiveOptions vague_options(const fs::path& dir,
                                 const std::string& roster = "tests/live/data/live.csv") {
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  LiveOptions options;
  options.campaign_path = "tests/live/data/live.vigie";
  options.roster_path = roster;
  options.store_url = (dir / "vague.db").string();
  options.out_dir = dir.string();
  options.hold_timeout = std::chrono::minutes{2};
  return options;
}

inline AlertLevel canicule(std::int64_t level, bool active = true) {
  AlertLevel alert;
  alert.name = "canicule";
  alert.level = level;
  alert.active = active;
  return alert;
}

inline std::vector<std::string> people(const Handout& handout) {
  std::vector<std::string> ids;
  for (const runtime::PersonRecord& person : handout.people) ids.push_back(person.contact_id);
  return ids;
}

inline PersonSubmission person(const std::string& contact_id, const std::string& disposition,
                               std::vector<Answer> answers = {}) {
  PersonSubmission submission;
  submission.contact_id = contact_id;
  submission.disposition = disposition;
  submission.answers = std::move(answers);
  return submission;
}

inline Submission submission(const Handout& handout, std::vector<PersonSubmission> entries,
                             std::chrono::seconds talk = std::chrono::seconds{0}) {
  Submission result;
  result.token = handout.token;
  result.talk = talk;
  result.people = std::move(entries);
  return result;
}

// Answers that complete the questionnaire of `vague` with the given risk
// answers; health "no" leaves `symptoms` out.
inline std::vector<Answer> full_answers(const std::string& alone, const std::string& health,
                                        std::vector<std::string> symptoms = {}) {
  std::vector<Answer> answers{{"alone", {alone}}, {"health", {health}}};
  if (health == "yes") answers.push_back({"symptoms", std::move(symptoms)});
  return answers;
}

// Takes the next contact for `agent` and requires that one is handed.
inline Handout take(LiveCampaign& live, const std::string& agent, common::Instant now) {
  runtime::NextResult result = live.next(agent, now);
  if (result.status != NextStatus::handed || !result.handout) {
    throw std::runtime_error("no contact was handed to " + agent);
  }
  return *result.handout;
}

// A second connection to a store, reading the campaign `name`.
inline std::unique_ptr<store::Store> open_store(const std::string& url,
                                                const std::string& name = "vague") {
  std::unique_ptr<store::Store> store = store::Store::open(url);
  store->select_campaign(name);
  return store;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string export_text(const LiveCampaign& live, runtime::ExportKind kind, int cycle) {
  std::ostringstream out;
  live.export_csv(kind, cycle, out);
  return out.str();
}

// The kind of a LiveError thrown by `action`, or nullopt when none is.
template <typename Action>
std::optional<LiveError::Kind> error_kind(Action&& action, std::string* message = nullptr) {
  try {
    action();
  } catch (const LiveError& error) {
    if (message != nullptr) *message = error.what();
    return error.kind();
  }
  return std::nullopt;
}

// The attempts of cycle 1 in the store of `options`.
inline std::int64_t stored_attempts(const LiveOptions& options) {
  return open_store(options.store_url)->count_attempts(1);
}

// Submits one minute after the start and returns the LiveError's kind and
// message, or nullopt and an empty message when the submit is accepted.
inline std::pair<std::optional<LiveError::Kind>, std::string> rejection(
    LiveCampaign& live, const std::string& agent, const Submission& submission) {
  std::string message;
  std::optional<LiveError::Kind> kind =
      error_kind([&] { live.submit(agent, submission, kStart + kMinute); }, &message);
  return {kind, message};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace vigie::live_test
