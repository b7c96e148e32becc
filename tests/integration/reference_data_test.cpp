// Reference data (`data:` rows) on a real server: the first migration
// inserts the rows, the next one upserts what changed and deletes what left
// the YAML (a destructive change), the down migration gives the old rows
// back, and verify reports a row that was edited by hand.

#include "diff/diff.hpp"
#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/migrations.hpp"
#include "pipeline/compile.hpp"
#include "support/catch.hpp"
#include "support/pg_cluster.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

Schema compiled(const std::string& yaml) {
    CompileResult r = compile_texts({{"schema.yaml", yaml}}, "refdata");
    INFO(r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

Migration migration_between(int version, const std::string& name, const Schema& from, const Schema& to) {
    Migration m;
    m.version = version;
    m.name = name;
    const std::string stem = migration_stem(version, name);
    m.up = history::render_migration(diff::diff_schemas(from, to), to.name, stem, true, {});
    m.down = history::render_migration(diff::diff_schemas(to, from, diff::Direction::Down), to.name, stem, false, {});
    return m;
}

std::string rows(connection& conn) {
    pqxx::nontransaction n(conn);
    return n
        .exec(
            "SELECT string_agg(code || '=' || name || '/' || coalesce(tags::text, '-'), ' ' ORDER BY code) "
            "FROM vendors")[0][0]
        .c_str();
}

const char* kVersion1 = R"yaml(
schema: {name: refdata}
tables:
  vendors:
    columns:
      id: {type: bigint, identity: by_default}
      code: text
      name: text
      tags: {type: "text[]", nullable: true}
      added_at: {type: timestamptz, default_sql: now()}
    primary_key: [id]
    unique: [[code]]
    data:
      key: [code]
      rows:
        - {code: acme, name: Acme, tags: [tools, "it's"]}
        - {code: zeta, name: Zeta}
        - {code: omega, name: "O'Mega"}
)yaml";

const char* kVersion2 = R"yaml(
schema: {name: refdata}
tables:
  vendors:
    columns:
      id: {type: bigint, identity: by_default}
      code: text
      name: text
      tags: {type: "text[]", nullable: true}
      added_at: {type: timestamptz, default_sql: now()}
    primary_key: [id]
    unique: [[code]]
    data:
      key: [code]
      rows:
        - {code: acme, name: Acme Corp, tags: [tools, "it's"]}
        - {code: omega, name: "O'Mega"}
        - {code: nova, name: Nova, tags: []}
)yaml";

}  // namespace

TEST_CASE("reference data is inserted, upserted, deleted, given back by down and checked by verify",
          "[data][migrate][verify]") {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database("refdata");
    auto conn = connect(pg.dsn(db));
    const Schema v1 = compiled(kVersion1), v2 = compiled(kVersion2);
    const diff::Plan change = diff::diff_schemas(v1, v2);
    CHECK(change.destructive());  // zeta leaves the YAML: its row is deleted
    std::vector<Migration> migrations{migration_between(1, "init", Schema{}, v1),
                                      migration_between(2, "vendors_change", v1, v2)};
    INFO(migrations[1].up);
    CHECK(migrations[1].up.find("code = 'zeta'") != std::string::npos);

    CHECK(migrate(conn, migrations, {}, 1) == 1);
    CHECK(rows(conn) == "acme=Acme/{tools,it's} omega=O'Mega/- zeta=Zeta/-");
    const long long acme_id = [&] {
        pqxx::nontransaction n(conn);
        return n.exec("SELECT id FROM vendors WHERE code = 'acme'")[0][0].as<long long>();
    }();
    CHECK(verify(conn, emit::expected_schema_of(v1, 1)).ok());

    CHECK(migrate(conn, migrations) == 1);
    CHECK(rows(conn) == "acme=Acme Corp/{tools,it's} nova=Nova/{} omega=O'Mega/-");
    {
        pqxx::nontransaction n(conn);
        // Upserted in place: the row keeps its id (and everything the YAML does not give).
        CHECK(n.exec("SELECT id FROM vendors WHERE code = 'acme'")[0][0].as<long long>() == acme_id);
    }
    CHECK(verify(conn, emit::expected_schema_of(v2, 2)).ok());

    // Edited by hand: verify names the row.
    {
        pqxx::work w(conn);
        w.exec("UPDATE vendors SET name = 'Acme (old)' WHERE code = 'acme'");
        w.exec("DELETE FROM vendors WHERE code = 'nova'");
        w.commit();
    }
    const VerifyReport drift = verify(conn, emit::expected_schema_of(v2, 2));
    INFO(drift.text());
    CHECK_FALSE(drift.ok());
    CHECK(drift.text().find("reference row missing or different: code = 'acme'") != std::string::npos);
    CHECK(drift.text().find("reference row missing or different: code = 'nova'") != std::string::npos);

    // Down: the old rows come back (zeta again, acme's old name), nova goes.
    CHECK(migrate_down(conn, migrations, 1) == 1);
    CHECK(rows(conn) == "acme=Acme/{tools,it's} omega=O'Mega/- zeta=Zeta/-");
    pg.drop_database(db);
}
