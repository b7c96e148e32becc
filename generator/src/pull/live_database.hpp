#pragma once

// `hyperschema pull`, step one: what a live database holds in one namespace,
// read from PostgreSQL's and TimescaleDB's catalogs in a fixed handful of
// queries. It is verify's catalog (hyperschema/detail/live_catalog.hpp) plus
// what writing the YAML back needs in parts rather than as the server's text:
// index keys one by one, constraints' columns, routines' arguments,
// triggers' events, aggregates' queries and bucket settings.

#include <optional>
#include <string>
#include <vector>

#include "hyperschema/connection.hpp"
#include "hyperschema/detail/live_catalog.hpp"

namespace hyperschema::pull {

struct LiveKey {
    std::string text;  // the column's name, or the expression as the server prints it
    bool expression = false;
    bool descending = false;
    bool nulls_first = false;
    std::string operator_;  // an exclusion constraint's, for this element
};

struct LiveIndex {
    std::string table, name, method;
    bool unique = false;
    bool nulls_not_distinct = false;
    std::vector<LiveKey> keys;
    std::vector<std::string> include;
    std::string where;
    std::string constraint;  // the primary key, unique or exclusion constraint it backs; "" for none
    std::string definition;  // CREATE INDEX as the server prints it
    // Why the DSL cannot say it (an operator class or collation of its own); "" when it can.
    std::string unsupported;
};

struct LiveConstraint {
    std::string table, name;
    char type = 0;  // pg_constraint.contype
    std::vector<std::string> columns;
    std::string ref_namespace, ref_table;
    std::vector<std::string> ref_columns;
    char on_delete = 'a', on_update = 'a';
    std::string check;        // a check's condition, as the server prints it
    std::string index;        // the index behind a key or exclusion
    std::string definition;   // pg_get_constraintdef
    std::string unsupported;  // deferrable, NOT VALID, MATCH FULL ...; "" when the DSL can say it
};

struct LiveArgument {
    std::string name, type, mode, default_sql;  // mode: "", "out", "inout", "variadic", "table"
};

struct LiveRoutine {
    std::string name, identity_arguments;
    std::vector<LiveArgument> arguments;
    std::string definition;   // pg_get_functiondef: CREATE OR REPLACE ...
    std::string unsupported;  // "" when the DSL can say it
};

struct LiveTriggerParts {
    std::string table, name;
    bool before = false, row = false;
    std::vector<std::string> events;  // insert, update, delete, truncate
    std::vector<std::string> update_of;
    std::string when, function;
    std::vector<std::string> args;
    std::string definition;  // CREATE TRIGGER as the server prints it
    std::string enabled_as;  // "" (the default), DISABLE, ENABLE REPLICA or ENABLE ALWAYS
    std::string unsupported;
};

struct LiveView {
    std::string name;
    bool materialized = false;
    bool populated = true;
    std::string definition;               // pg_get_viewdef, without the final semicolon
    std::vector<std::string> depends_on;  // views and materialized views of the namespace it reads
    std::string options;                  // reloptions: "security_barrier=true, check_option=local"
    std::string unsupported;
};

struct LiveAggregateQuery {
    std::string name;
    std::string query;                  // the SELECT it was created with (TimescaleDB's direct view)
    std::optional<std::string> origin;  // its offset and time zone are in the live catalog's aggregate
    bool group_indexes = false;         // indexes on the group-by columns exist
};

// An object pull cannot write in the DSL: its DDL goes into the escape hatch.
struct Unsupported {
    std::string kind, name, why;
};

struct LiveDatabase {
    std::string database, namespace_;
    detail::LiveCatalog catalog;  // verify's reading: columns, sequences, domains, TimescaleDB, jobs, grants, comments
    std::vector<LiveIndex> indexes;  // also those behind constraints
    std::vector<LiveConstraint> constraints;
    std::vector<LiveRoutine> routines;
    std::vector<LiveTriggerParts> triggers;
    std::vector<LiveView> views;  // not continuous aggregates
    std::vector<LiveAggregateQuery> aggregate_queries;
    std::vector<std::string> roles;  // the roles granted privileges on the namespace's objects
    // Relations and types the DSL has no form for at all (partitioned and
    // foreign tables, composite types ...), with their reason.
    std::vector<Unsupported> other_objects;

    const LiveIndex* find_index(const std::string& name) const;
};

// Throws usage_error when the namespace does not exist.
LiveDatabase read_live_database(connection& conn, const std::string& ns);

}  // namespace hyperschema::pull
