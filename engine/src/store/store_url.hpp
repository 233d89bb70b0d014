#pragma once
// Parsing of store URLs into the connection strings SOCI's backends take.

#include <string>
#include <string_view>

namespace vigie::store {

// Returns `url` with its password replaced by "***", for messages: a
// PostgreSQL URL may carry one, as password=SECRET or user:SECRET@host.
std::string redact_password(const std::string& url);

// Returns the value of `key` in a SOCI connection string ("db=x timeout=5").
std::string_view find_parameter(std::string_view connect_string, std::string_view key);

// Returns libpq key=value pairs for a PostgreSQL store URL, given the part
// after "postgresql://". The URL contains either such pairs already
// ("host=127.0.0.1 dbname=vigie") or libpq's URI form
// ("user:password@host:port/dbname?sslmode=require"), which is converted
// because SOCI 4.0.3 rewrites the connection string as key=value pairs
// and mangles a URI. Throws StoreError for an invalid URI.
std::string postgresql_connect_string(const std::string& url, std::string_view rest);

}  // namespace vigie::store
