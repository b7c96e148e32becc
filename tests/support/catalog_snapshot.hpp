#pragma once

// A database's schema as text, object by object, for asserting that two
// databases built different ways (a team's hand-written SQL and hyperschema's
// YAML) are identical: columns in order with types, defaults, collations and
// identity; constraints with names; indexes as the server prints them; views
// and continuous aggregates as the server prints them; enums; functions and
// triggers; comments; hypertable dimensions, compression settings and
// policies with every job setting. Numbers that differ between two equal
// databases (object ids, job ids, internal hypertable names) are left out.

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace hyperschema::testing {

// One line per object and fact, sorted within each concept, each starting
// with the concept's name ("column ", "index ", "job ", ...).
std::vector<std::string> catalog_snapshot(pqxx::connection& conn, const std::string& ns = "public");

// The lines only one side has, marked "- " (a) and "+ " (b); empty when equal.
std::string snapshot_difference(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace hyperschema::testing
