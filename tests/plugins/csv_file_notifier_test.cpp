#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"
#include "vigie/csv.hpp"

using namespace vigie;

namespace {

std::unique_ptr<Notifier> make_notifier(const test::TempDir& dir, const std::string& yaml) {
  return (*test::shipped_plugins().notifier("csv_file"))(YAML::Load(yaml),
                                                         dir.context("cellule_urgence"));
}

Alert alert(const std::string& contact, double risk) {
  Alert a;
  a.cycle = 1;
  a.route = "urgence";
  a.route_title = "Cellule d'urgence";
  a.notifier = "cellule_urgence";
  a.contact_id = contact;
  a.due = Instant(std::chrono::seconds(1561370400));
  a.due_local = "2019-06-24T12:00:00+02:00";
  a.scores = {{"risk", risk}, {"isolation", 2.5}};
  return a;
}

}  // namespace

TEST_CASE("csv_file notifier writes a header once", "[plugins][csv_file]") {
  test::TempDir dir;
  {
    auto notifier = make_notifier(dir, "plugin: csv_file\n");
    notifier->notify(alert("A1", 15));
    notifier->notify(alert("A,2", 8));
    notifier->flush();
  }
  {
    auto notifier = make_notifier(dir, "plugin: csv_file\n");
    notifier->notify(alert("A3", 9));
    notifier->flush();
  }

  const auto text = read_text_file(dir.file("cellule_urgence.csv"));
  REQUIRE(text.has_value());
  CHECK(*text ==
        "cycle,route,contact_id,due,notifier,risk,isolation\n"
        "1,urgence,A1,2019-06-24T12:00:00+02:00,cellule_urgence,15,2.5\n"
        "1,urgence,\"A,2\",2019-06-24T12:00:00+02:00,cellule_urgence,8,2.5\n"
        "1,urgence,A3,2019-06-24T12:00:00+02:00,cellule_urgence,9,2.5\n");
}

TEST_CASE("csv_file notifier uses its path", "[plugins][csv_file]") {
  test::TempDir dir;
  auto notifier = make_notifier(dir, "plugin: csv_file\npath: alerts/urgent.csv\n");
  CHECK_THROWS_WITH(notifier->notify(alert("A1", 1)),
                    "cannot open " + dir.file("alerts/urgent.csv") +
                        " for writing; check that its folder exists");

  auto plain = make_notifier(dir, "plugin: csv_file\npath: urgent.csv\n");
  Alert without_zone = alert("A1", 1);
  without_zone.due_local.clear();
  plain->notify(without_zone);
  plain->flush();
  const auto text = read_text_file(dir.file("urgent.csv"));
  REQUIRE(text.has_value());
  CHECK(text->find("2019-06-24T10:00:00Z") != std::string::npos);
}

TEST_CASE("csv_file notifier rejects another header", "[plugins][csv_file]") {
  test::TempDir dir;
  const std::string path =
      dir.write("cellule_urgence.csv", "cycle,route,contact_id,due,notifier,other\n");
  auto notifier = make_notifier(dir, "plugin: csv_file\n");
  CHECK_THROWS_WITH(
      notifier->notify(alert("A1", 1)),
      path +
          " already exists with the header cycle,route,contact_id,due,notifier,other instead of "
          "cycle,route,contact_id,due,notifier,risk,isolation; move the old file away or set "
          "another `path`");
}

TEST_CASE("csv_file notifier writes each alert once across restarts", "[plugins][csv_file]") {
  test::TempDir dir;
  {
    auto notifier = make_notifier(dir, "plugin: csv_file\n");
    notifier->notify(alert("A1", 15));
    // No flush: each line must already be on disk when notify returns.
    const auto text = read_text_file(dir.file("cellule_urgence.csv"));
    REQUIRE(text.has_value());
    CHECK(text->find("A1") != std::string::npos);
    notifier->notify(alert("A1", 15));  // the same alert again in one run
  }
  {
    // A resumed run delivers A1 again, then A2.
    auto notifier = make_notifier(dir, "plugin: csv_file\n");
    notifier->notify(alert("A1", 15));
    notifier->notify(alert("A2", 9));
  }

  CHECK(*read_text_file(dir.file("cellule_urgence.csv")) ==
        "cycle,route,contact_id,due,notifier,risk,isolation\n"
        "1,urgence,A1,2019-06-24T12:00:00+02:00,cellule_urgence,15,2.5\n"
        "1,urgence,A2,2019-06-24T12:00:00+02:00,cellule_urgence,9,2.5\n");
}

TEST_CASE("csv_file notifier rewrites a line a crash cut short", "[plugins][csv_file]") {
  test::TempDir dir;
  dir.write("cellule_urgence.csv",
            "cycle,route,contact_id,due,notifier,risk,isolation\n"
            "1,urgence,A1,2019-06-24T12:00:00+02:00,cellule_urgence,15,2.5\n"
            "1,urgence,A2,2019-06-24T1");

  auto notifier = make_notifier(dir, "plugin: csv_file\n");
  notifier->notify(alert("A2", 9));

  CHECK(*read_text_file(dir.file("cellule_urgence.csv")) ==
        "cycle,route,contact_id,due,notifier,risk,isolation\n"
        "1,urgence,A1,2019-06-24T12:00:00+02:00,cellule_urgence,15,2.5\n"
        "1,urgence,A2,2019-06-24T12:00:00+02:00,cellule_urgence,9,2.5\n");
}

TEST_CASE("csv_file notifier keeps ids from being read as formulas", "[plugins][csv_file]") {
  test::TempDir dir;
  for (int run = 0; run < 2; ++run) {  // the second run must not write it again
    auto notifier = make_notifier(dir, "plugin: csv_file\n");
    notifier->notify(alert("=HYPERLINK(\"x\")", 15));
  }

  CHECK(*read_text_file(dir.file("cellule_urgence.csv")) ==
        "cycle,route,contact_id,due,notifier,risk,isolation\n"
        "1,urgence,\"'=HYPERLINK(\"\"x\"\")\",2019-06-24T12:00:00+02:00,cellule_urgence,15,2.5\n");
}
