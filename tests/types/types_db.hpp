#pragma once

// What the database tests of the value types share: a fresh database per
// test case on the harness's throwaway cluster, and an enum with awkward labels.

#include <array>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "hyperschema/connection.hpp"
#include "hyperschema/types.hpp"
#include "support/pg_cluster.hpp"

namespace types_test {

enum class mood { sad, ok, happy, awkward };

}  // namespace types_test

template <>
struct hyperschema::enum_labels<types_test::mood> {
    static constexpr std::string_view type_name = "public.mood";
    static constexpr std::array<std::string_view, 4> labels{"sad", "ok", "happy", "so-so, \"really\" {\\}"};
};

namespace types_test {

// The SQL that creates enum mood with the labels above.
inline constexpr const char* kCreateMood = R"(CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'so-so, "really" {\}'))";

// A new empty database; returns its connection string.
inline std::string fresh_database(const std::string& prefix) {
    auto& cluster = hyperschema::testing::PgCluster::shared();
    return cluster.dsn(cluster.create_database(prefix));
}

inline void run_sql(hyperschema::connection& conn, const std::string& sql) {
    pqxx::work w(conn);
    w.exec(sql);
    w.commit();
}

}  // namespace types_test
