#pragma once

// What the command line asked for, filled by parse_arguments() from the table
// of options (cli/commands.cpp) and read by the commands.

#include <string>
#include <vector>

namespace hyperschema::cli {

struct Options {
    std::string command;
    std::vector<std::string> args;  // positional arguments after the command
    std::string out = "generated";
    bool out_given = false;  // --out was on the command line (pull writes to the schema's name otherwise)
    bool werror = false;
    bool check = false;
    bool allow_destructive = false;
    std::string format = "text";
    // Database commands.
    std::string db;                // libpq connection string; "" uses the PG* environment
    bool db_given = false;         // --db was on the command line (diff then compares with the database)
    std::vector<std::string> dbs;  // every --db: more than one is a fleet (migrate up, verify)
    std::string db_file;           // --db-file: a fleet, one connection string per line
    std::string db_query;          // --db-query: a query on --db that lists the fleet
    int jobs = 4;                  // --jobs: databases of a fleet worked on at once
    bool jobs_given = false;
    std::string report_file;     // --report: the fleet's JSON report, written there too
    std::string dev_db;          // validate: a server to try the schema on (--dev-db)
    std::string migrations_dir;  // instead of OUT/<schema>/migrations
    int sources = 1;             // generate/check: how many .cpp files the definitions are split into
    std::string expect_name;     // generate: the schema name the build expects (CMake's NAME), checked
    std::string history_schema = "hyperschema";
    bool dry_run = false;
    int to = -1;                      // target version for migrate up
    std::vector<std::string> ignore;  // verify: globs of unexpected objects to leave out
    bool no_job_health = false;
    bool definitions = false;  // verify: whole view and aggregate definitions
    // pull
    std::vector<std::string> namespaces;  // --namespace (repeatable); default public
    std::string name;                     // --name: the pulled schema's name
    bool allow_unsupported = false;       // pull: objects carried as `sql:` are not a problem
    // backfill run
    long long pause_ms = -1;  // --pause MS between batches; -1: the definition's
    double max_rows_per_second = 0;
    bool restart = false;
    long long max_batches = 0;
    std::string colour = "auto";  // --color: auto, always or never
};

}  // namespace hyperschema::cli
