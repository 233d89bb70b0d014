#pragma once
// Steps of the agent and team desks shared by the API tests.

#include "service/service_fixture.hpp"

namespace vigie::testing {

// Answers that fire the `urgence` route of canicule.vigie (symptoms has
// confusion), and answers that fire `social` (risk 5: alone, no cool room).
inline Json urgent_answers() {
  return Json::parse(R"([{"question": "alone", "values": ["yes"]},
                         {"question": "visits", "values": ["rarely"]},
                         {"question": "health", "values": ["yes"]},
                         {"question": "symptoms", "values": ["confusion"]},
                         {"question": "cool_room", "values": ["no"]}])");
}

inline Json social_answers() {
  return Json::parse(R"([{"question": "alone", "values": ["yes"]},
                         {"question": "visits", "values": ["weekly"]},
                         {"question": "health", "values": ["no"]},
                         {"question": "cool_room", "values": ["no"]}])");
}

// Raises the heatwave alert at level 3 as the supervisor.
inline Json raise_heatwave(TestService& served) {
  Client supervisor = served.as("superviseur");
  auto raised = supervisor.post("/api/alerts", {{"name", "canicule"}, {"level", 3}});
  REQUIRE(raised);
  REQUIRE(raised->status == 200);
  return Json::parse(raised->body);
}

// Asks for the next contact and requires one; returns the handout.
inline Json take_contact(Client& agent) {
  auto next = agent.post("/api/desk/next");
  REQUIRE(next);
  REQUIRE(next->status == 200);
  const Json body = Json::parse(next->body);
  REQUIRE(body["status"] == "handed");
  return body["handout"];
}

// The submission of a handout: `disposition` and `answers` for the dialled
// person, `refused` for the others on the same number.
inline Json submission(const Json& handout, const std::string& disposition, const Json& answers) {
  Json people = Json::array();
  for (std::size_t i = 0; i < handout["people"].size(); ++i) {
    const Json& person = handout["people"][i];
    people.push_back({{"contact_id", person["contact_id"]},
                      {"disposition", i == 0 ? disposition : "refused"},
                      {"answers", i == 0 ? answers : Json::array()}});
  }
  return {{"token", handout["token"]}, {"talk_s", 240}, {"people", people}};
}

// Submits the handout and requires success; returns the decisions.
inline Json submit(Client& agent, const Json& handout, const std::string& disposition,
                   const Json& answers) {
  auto submitted = agent.post("/api/desk/submit", submission(handout, disposition, answers));
  REQUIRE(submitted);
  INFO(submitted->body);
  REQUIRE(submitted->status == 200);
  return Json::parse(submitted->body)["people"];
}

inline Json alert_key(const Json& alert) {
  return {{"campaign", alert["campaign"]},
          {"cycle", alert["cycle"]},
          {"route", alert["route"]},
          {"contact_id", alert["contact_id"]}};
}

}  // namespace vigie::testing
