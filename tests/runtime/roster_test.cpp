// The roster's storage of field values: texts of every length keep their
// content after many rows, and `today` follows each contact's own zone.

#include <catch2/catch.hpp>

#include <string>

#include "check/compiler.hpp"
#include "runtime/roster.hpp"

using namespace vigie;

namespace {

const char* kCampaign = R"(
campaign r {
  timezone "Europe/Paris"
  source s {
    id    text key
    phone phone
    note  text optional
    tz    text optional
  }
  timezone from tz
  audience today == 2019-06-24
  hours {
    mon-sun 09:00-19:00
  }
  retry {
    attempts 1 within 6h
    otherwise after 1h
  }
  script {
    ask ok "Ça va ?" yes_no
  }
}
)";

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
};

std::unique_ptr<Compiled> compile() {
  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      check::compile_text("r.vigie", kCampaign, compiled->sources, compiled->diagnostics);
  REQUIRE_FALSE(compiled->diagnostics.has_errors());
  REQUIRE(compiled->module.campaigns.size() == 1);
  return compiled;
}

Row row(std::size_t number, const std::string& id, FieldValue note, FieldValue zone) {
  Row result;
  result.row_number = number;
  result.values = {id, std::string("+33199000000"), std::move(note), std::move(zone)};
  return result;
}

}  // namespace

TEST_CASE("Roster keeps texts of every length", "[runtime][roster]") {
  struct Case {
    const char* name;
    std::string note;
  };
  const Case cases[] = {
      {"empty", ""},
      {"short", "rez-de-chaussée"},
      {"larger than a quarter of a chunk", std::string(20000, 'a')},
      {"larger than a chunk", std::string(70000, 'b')},
  };
  std::unique_ptr<Compiled> compiled = compile();
  const ir::Campaign& campaign = compiled->module.campaigns.front();
  eval::CompiledCampaign program(campaign);

  // Enough short rows between the cases to fill several 64 KiB chunks.
  ImportResult import;
  std::size_t number = 2;
  for (const Case& c : cases) {
    import.rows.push_back(row(number++, c.name, c.note, std::monostate{}));
    for (int filler = 0; filler < 3000; ++filler) {
      import.rows.push_back(
          row(number, "filler" + std::to_string(number), std::string(30, 'x'), std::monostate{}));
      ++number;
    }
  }
  common::Instant start = common::to_instant(*common::parse_local_datetime("2019-06-24T10:00"),
                                             common::find_zone("Europe/Paris"));
  runtime::Roster roster(campaign, program, import, common::find_zone("Europe/Paris"), start, 1);
  REQUIRE(roster.size() == import.rows.size());

  std::size_t index = 0;
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(roster.contact(index).id == c.name);
    CHECK(roster.field_text(index, 2) == c.note);
    CHECK(roster.field_text(index + 1, 2) == std::string(30, 'x'));
    index += 3001;
  }
}

TEST_CASE("Roster evaluates today in each zone", "[runtime][roster]") {
  // 2019-06-24 00:30 in Paris is still 2019-06-23 in Guadeloupe, so the
  // audience `today == 2019-06-24` keeps only the Paris contacts, whatever
  // the order of the zones in the register.
  std::unique_ptr<Compiled> compiled = compile();
  const ir::Campaign& campaign = compiled->module.campaigns.front();
  eval::CompiledCampaign program(campaign);
  ImportResult import;
  import.rows.push_back(row(2, "P1", std::monostate{}, std::monostate{}));
  import.rows.push_back(row(3, "G1", std::monostate{}, std::string("America/Guadeloupe")));
  import.rows.push_back(row(4, "P2", std::monostate{}, std::string("Europe/Paris")));
  import.rows.push_back(row(5, "G2", std::monostate{}, std::string("America/Guadeloupe")));
  import.rows.push_back(row(6, "P3", std::monostate{}, std::monostate{}));

  common::Instant start = common::to_instant(*common::parse_local_datetime("2019-06-24T00:30"),
                                             common::find_zone("Europe/Paris"));
  runtime::Roster roster(campaign, program, import, common::find_zone("Europe/Paris"), start, 1);

  REQUIRE(roster.size() == 3);
  CHECK(roster.contact(0).id == "P1");
  CHECK(roster.contact(1).id == "P2");
  CHECK(roster.contact(2).id == "P3");
  CHECK(roster.excluded() == 2);
}
