#pragma once

// introspect(): what a live database holds in one PostgreSQL schema, read as
// verify() reads it (a fixed handful of catalog queries), for an application
// to log or check what it found at start-up:
//
//   auto found = hyperschema::introspect(conn);
//   std::clog << found.text();   // "table readings: hypertable on time, chunks of 1 day, compressed ..."
//
// It describes; it does not compare (that is verify()) and it does not write
// YAML (that is `hyperschema pull`, which reads more of the catalog).

#include <optional>
#include <string>
#include <vector>

#include "hyperschema/connection.hpp"
#include "hyperschema/detail/live_catalog.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/policy_kinds.hpp"

namespace hyperschema {

struct Introspection {
    struct Relation {
        std::string name;
        std::string kind;  // "table", "view", "materialized view", "continuous aggregate"
        std::vector<std::string> columns;
    };
    struct Hypertable {
        std::string table, time_column;
        std::string chunk_interval;           // "1 day", or a number on integer time
        std::vector<std::string> dimensions;  // "device_id (4 partitions)", "seq (every 1000)"
        bool compressed = false;
    };
    struct Aggregate {
        std::string name, source, bucket;
        bool materialized_only = true;
    };
    struct Job {
        int id = 0;
        std::string kind;      // "compression policy", ..., or "job" (add_job's)
        std::string relation;  // a policy's hypertable or aggregate; a job's name
        std::string schedule;
    };

    std::string namespace_name;
    std::string postgres_version;
    std::string timescaledb_version;  // "" without TimescaleDB
    std::optional<int> migration;     // the newest applied migration, when hyperschema's history is there
    std::vector<Relation> relations;  // by name
    std::vector<Hypertable> hypertables;
    std::vector<Aggregate> aggregates;
    std::vector<Job> jobs;  // by id
    std::vector<std::string> enums, functions;

    const Relation* find(const std::string& name) const {
        for (const auto& r : relations)
            if (r.name == name) return &r;
        return nullptr;
    }

    // One line per object, for a log.
    std::string text() const;
};

namespace detail {

inline Introspection describe(const LiveCatalog& live, const std::string& ns) {
    Introspection out;
    out.namespace_name = ns;
    out.postgres_version = live.postgres_version;
    out.timescaledb_version = live.timescaledb_version;
    out.migration = live.applied_version;
    for (const auto& [name, rel] : live.relations) {
        Introspection::Relation r{name, rel.kind == 'v' ? "view" : rel.kind == 'm' ? "materialized view" : "table", {}};
        if (live.aggregates.count(name)) r.kind = "continuous aggregate";
        for (const auto& c : rel.columns) r.columns.push_back(c.name);
        out.relations.push_back(std::move(r));
    }
    for (const auto& [name, h] : live.hypertables) {
        Introspection::Hypertable d{
            name, h.time_column, optional_interval_text(h.chunk_interval), {}, h.compression_enabled};
        for (const auto& dim : h.dimensions)
            d.dimensions.push_back(dim.column + (dim.partitions > 0
                                                     ? " (" + std::to_string(dim.partitions) + " partitions)"
                                                     : " (every " + optional_interval_text(dim.interval) + ")"));
        out.hypertables.push_back(std::move(d));
    }
    for (const auto& [name, a] : live.aggregates)
        out.aggregates.push_back({name, a.source, optional_interval_text(a.bucket), a.materialized_only});
    for (const auto& j : live.jobs) {
        const PolicyKindTraits* kind = policy_traits_of_proc(j.proc);
        out.jobs.push_back({j.id, kind ? std::string(kind->name) : "job", j.relation.empty() ? j.name : j.relation,
                            optional_interval_text(j.schedule)});
    }
    for (const auto& [name, labels] : live.enums) out.enums.push_back(name);
    for (const auto& f : live.functions) out.functions.push_back(f.name + "(" + f.identity_arguments + ")");
    return out;
}

}  // namespace detail

inline std::string Introspection::text() const {
    std::string out = "schema " + namespace_name + ": PostgreSQL " + postgres_version +
                      (timescaledb_version.empty() ? ", no TimescaleDB" : ", TimescaleDB " + timescaledb_version) +
                      (migration ? ", migration " + std::to_string(*migration) : ", no hyperschema history") + "\n";
    for (const auto& r : relations) {
        out += r.kind + " " + r.name + " (" + std::to_string(r.columns.size()) + " columns)";
        for (const auto& h : hypertables)
            if (h.table == r.name) {
                out += ": hypertable on " + h.time_column + ", chunks of " + h.chunk_interval;
                for (const auto& d : h.dimensions) out += ", by " + d;
                if (h.compressed) out += ", compressed";
            }
        for (const auto& a : aggregates)
            if (a.name == r.name)
                out += ": from " + a.source + ", buckets of " + a.bucket + (a.materialized_only ? "" : ", real-time");
        out += "\n";
    }
    for (const auto& j : jobs)
        out += j.kind + " " + std::to_string(j.id) + " on " + j.relation + ", every " + j.schedule + "\n";
    for (const auto& e : enums) out += "enum " + e + "\n";
    for (const auto& f : functions) out += "function " + f + "\n";
    return out;
}

// What the database `conn` holds in the PostgreSQL schema `ns`; `history`
// names hyperschema's history table (as MigrateOptions does), whose newest
// applied migration is reported.
inline Introspection introspect(connection& conn, const std::string& ns = "public",
                                const std::string& history_schema = "hyperschema",
                                const std::string& history_table = "schema_migrations") {
    return detail::pqxx_bridge::translated("introspect", [&] {
        const std::string history =
            detail::checked_identifier(history_schema) + "." + detail::checked_identifier(history_table);
        return detail::describe(detail::read_live_catalog(conn, ns, history), ns);
    });
}

}  // namespace hyperschema
