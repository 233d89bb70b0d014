// Tests of store URL parsing: libpq URIs converted to key=value pairs, and
// passwords hidden in messages.

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"
#include "store/store_url.hpp"

using vigie::store::postgresql_connect_string;
using vigie::store::redact_password;
using vigie::store::StoreError;

TEST_CASE("store url postgresql URI to key value pairs", "[store]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"host=127.0.0.1 port=5432 dbname=vigie", "host=127.0.0.1 port=5432 dbname=vigie"},
      {"127.0.0.1/vigie", "host='127.0.0.1' dbname='vigie'"},
      {"vigie@127.0.0.1:5433/campaigns",
       "user='vigie' host='127.0.0.1' port='5433' dbname='campaigns'"},
      {"vigie:p%40ss'w@127.0.0.1/vigie",
       "user='vigie' password='p@ss\\'w' host='127.0.0.1' dbname='vigie'"},
      {"[::1]:5432/vigie", "host='::1' port='5432' dbname='vigie'"},
      {"127.0.0.1/vigie?sslmode=disable&connect_timeout=3",
       "host='127.0.0.1' dbname='vigie' sslmode='disable' connect_timeout='3'"},
      {"/vigie?host=%2Frun%2Fpostgresql", "dbname='vigie' host='/run/postgresql'"},
  };
  for (const auto& [rest, expected] : cases) {
    INFO(rest);
    CHECK(postgresql_connect_string("postgresql://" + rest, rest) == expected);
  }
}

TEST_CASE("store url invalid postgresql URI throws", "[store]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"vigie:secret@127.0.0.1:54x2/vigie",
       "cannot open store 'postgresql://vigie:***@127.0.0.1:54x2/vigie': the port '54x2' is not "
       "a number; write postgresql://HOST:PORT/DBNAME"},
      {"127.0.0.1/vi%2gie",
       "cannot open store 'postgresql://127.0.0.1/vi%2gie': '%' must start an escape of two hex "
       "digits such as %40; write %25 for '%' itself"},
      {"127.0.0.1/vigie?sslmode",
       "cannot open store 'postgresql://127.0.0.1/vigie?sslmode': the parameter 'sslmode' has no "
       "value; write NAME=VALUE after '?'"},
  };
  for (const auto& [rest, expected] : cases) {
    INFO(rest);
    CHECK_THROWS_WITH(postgresql_connect_string("postgresql://" + rest, rest), expected);
  }
}

TEST_CASE("store url password redaction", "[store]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"postgresql://host=h password=secret dbname=d", "postgresql://host=h password=*** dbname=d"},
      {"postgresql://host=h password=secret", "postgresql://host=h password=***"},
      {"postgresql://user:secret@h:5432/d", "postgresql://user:***@h:5432/d"},
      {"postgresql://user@h:5432/d", "postgresql://user@h:5432/d"},
      {"postgresql://h:5432/d?application_name=a@b", "postgresql://h:5432/d?application_name=a@b"},
      {"out/vigie.db", "out/vigie.db"},
  };
  for (const auto& [url, expected] : cases) {
    INFO(url);
    CHECK(redact_password(url) == expected);
  }
}
