// Every diff case of tests/migrations/ on a real TimescaleDB: the `before`
// schema created from scratch, its up migration applied with psql, verify()
// clean against `after`; the down migration applied, verify() clean against
// `before` again. A job whose settings the migration changes in place keeps
// its id (and with it its run history).

#include "support/catch.hpp"

#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <regex>

#include "diff/diff.hpp"
#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

void apply(const std::string& db, const std::string& name, const std::string& sql) {
    const std::string path =
        (fs::temp_directory_path() / ("hyperschema-case-" + name + "-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, sql);
    std::string output;
    const int status = PgCluster::shared().psql_file(db, path, &output);
    fs::remove(path);
    INFO(output);
    REQUIRE(status == 0);
}

void require_clean(const std::string& db, const Schema& schema, const std::string& when) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    VerifyOptions whole;
    whole.definitions = true;
    VerifyReport report = verify(conn, emit::expected_schema_of(schema, 0), whole);
    INFO(when << ":\n" << report.text());
    CHECK(report.ok());
}

// Job id by (proc, relation) for the policies of the schema's relations, by
// ("job", name) for user-defined jobs.
std::map<std::pair<std::string, std::string>, int> jobs(const std::string& db) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    pqxx::work tx(conn);
    std::map<std::pair<std::string, std::string>, int> out;
    if (tx.exec("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").empty()) return out;
    for (const auto& r : tx.exec("SELECT j.job_id, CASE WHEN j.hypertable_name IS NULL THEN 'job' ELSE j.proc_name "
                                 "END, coalesce(c.view_name, j.hypertable_name, regexp_replace(j.application_name, "
                                 "' \\[[0-9]+\\]$', '')) FROM timescaledb_information.jobs j "
                                 "LEFT JOIN timescaledb_information.continuous_aggregates c ON "
                                 "c.materialization_hypertable_name = j.hypertable_name WHERE j.job_id >= 1000"))
        out[{r[1].c_str(), r[2].c_str()}] = r[0].as<int>();
    return out;
}

std::string render(const diff::Plan& plan, bool up) {
    return history::render_migration(plan, "test", "0002_change", up, {});
}

// The roles the schemas grant to exist on a real server before any migration
// (hyperschema never creates them); roles are the cluster's, so once is enough.
void create_roles(const std::string& db, const Schema& before, const Schema& after) {
    std::string sql;
    for (const Schema* s : {&before, &after})
        for (const auto& r : s->roles)
            sql +=
                "DO $$ BEGIN CREATE ROLE " + r.name + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n";
    if (!sql.empty()) apply(db, "roles", sql);
}

}  // namespace

TEST_CASE("every migration case applies on TimescaleDB, up and down, and verifies clean", "[timescaledb][migrate]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const std::string root = source_path("tests/migrations");
    for (const auto& name : subdirectories(root)) {
        DYNAMIC_SECTION("case " << name) {
            Schema before = compiled_schema(root + "/" + name + "/before", name);
            Schema after = compiled_schema(root + "/" + name + "/after", name);
            diff::Plan up = diff::diff_schemas(before, after, diff::Direction::Up);
            diff::Plan down = diff::diff_schemas(after, before, diff::Direction::Down);
            // A case of changes hyperschema refuses to plan has nothing to apply.
            if (!up.unsupported.empty() || !down.unsupported.empty()) continue;
            const std::string db = PgCluster::shared().create_database("case_" + name);
            create_roles(db, before, after);
            apply(db, name, history::schema_sql(before));
            require_clean(db, before, "created from scratch");
            const auto jobs_before = jobs(db);
            apply(db, name, render(up, true));
            require_clean(db, after, "after the up migration");
            // Policies changed in place keep their job.
            const auto jobs_after = jobs(db);
            for (const auto& change : up.changes) {
                // "~ job prune: settings"
                static const std::regex kUserJob(R"(~ job (\w+): settings)");
                if (std::smatch m; std::regex_match(change.summary, m, kUserJob)) {
                    INFO(change.summary);
                    CHECK(jobs_after.at({"job", m[1]}) == jobs_before.at({"job", m[1]}));
                    continue;
                }
                if (change.summary.find(": job settings") == std::string::npos) continue;
                for (const auto& [key, id] : jobs_before) {
                    if (key.first == "job") continue;
                    const std::string policy = std::string(policy_traits_of_proc(key.first)->name);
                    if (change.summary.find(policy + " of ") == std::string::npos ||
                        change.summary.find(" " + key.second + ":") == std::string::npos)
                        continue;
                    INFO(change.summary);
                    CHECK(jobs_after.at(key) == id);
                }
            }
            apply(db, name, render(down, false));
            require_clean(db, before, "after the down migration");
        }
    }
}
