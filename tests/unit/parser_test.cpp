#include "support/catch.hpp"

#include "migrate/schema_script.hpp"
#include "model/relations.hpp"
#include "pipeline/compile.hpp"

using namespace hyperschema;

static CompileResult compile(std::vector<std::pair<std::string, std::string>> files) {
    return compile_texts(files, "test");
}

TEST_CASE("a schema spans several files that reference each other", "[parser]") {
    auto r = compile({{"a/devices.yaml", "tables:\n  devices:\n    columns: {id: text}\n    primary_key: [id]\n"},
                      {"a/readings.yaml",
                       "tables:\n  readings:\n    columns:\n      time: timestamptz\n"
                       "      device_id: {type: text, references: devices, on_delete: cascade}\n"
                       "      value: double precision?\n"
                       "    hypertable: {time_column: time, chunk_interval: 1 day}\n"}});
    INFO(r.diags.format());
    REQUIRE(r.ok());
    const Table* readings = r.schema.find_table("readings");
    REQUIRE(readings);
    CHECK_FALSE(readings->find_column("time")->nullable);
    CHECK(readings->find_column("value")->nullable);
    REQUIRE(readings->foreign_keys.size() == 1);
    CHECK(readings->foreign_keys[0].name == "readings_device_id_fkey");
    CHECK(readings->foreign_keys[0].on_delete == ReferentialAction::Cascade);
    REQUIRE(readings->hypertable);
    CHECK(readings->hypertable->chunk_interval == Interval{0, 1, 0});
    CHECK(readings->foreign_keys[0].loc.file == "a/readings.yaml");
    CHECK(readings->foreign_keys[0].loc.line == 5);  // the `references` key
}

TEST_CASE("aggregate column types are inferred from the expressions over the source", "[parser]") {
    auto r = compile({{"s.yaml",
                       "tables:\n  m:\n    columns: {time: timestamptz, d: text, v: double precision, n: integer}\n"
                       "    hypertable: {time_column: time}\n"
                       "aggregates:\n  h:\n    from: m\n    bucket: 1 hour\n    group_by: [d]\n"
                       "    columns:\n      a: avg(v)\n      s: sum(n)\n      c: count(*)\n      l: last(v, time)\n"
                       "      e: last(v, time) - first(v, time)\n      t: {expr: max(v) - min(v), type: real}\n"
                       "      u: sum(power(v, 2))\n"}});
    INFO(r.diags.format());
    REQUIRE(r.ok());
    const auto* h = r.schema.find_aggregate("h");
    REQUIRE(h);
    auto shape = output_of(r.schema, *h);
    auto type = [&](const std::string& c) { return shape.find(c)->type ? shape.find(c)->type->sql() : "?"; };
    CHECK(type("bucket") == "timestamptz");
    CHECK(type("d") == "text");
    CHECK(type("a") == "double precision");
    CHECK(type("s") == "bigint");
    CHECK(type("c") == "bigint");
    CHECK(type("l") == "double precision");
    CHECK(type("e") == "double precision");  // arithmetic of two aggregates
    CHECK(type("u") == "?");                 // power() has no type rule here: declare it
    CHECK(type("t") == "real");
}

TEST_CASE("a view's declared columns carry type, nullability and comment; only the comment is SQL", "[parser]") {
    const std::string table = "tables:\n  t:\n    columns: {id: bigint, v: \"real?\"}\n    primary_key: [id]\n";
    const std::string view = "views:\n  w:\n    sql: SELECT id, v FROM t\n";
    auto plain = compile({{"s.yaml", table + view}});
    auto typed = compile({{"s.yaml", table + view +
                                         "    columns:\n      id: bigint\n"
                                         "      v: {type: real, nullable: true, comment: may be missing}\n"}});
    INFO(typed.diags.format());
    REQUIRE(typed.ok());
    const View* w = typed.schema.find_view("w");
    REQUIRE(w);
    REQUIRE(w->columns.size() == 2);
    CHECK(w->columns[0].name == "id");
    CHECK(w->columns[0].type.sql() == "bigint");
    CHECK_FALSE(w->columns[0].nullable);
    CHECK(w->columns[1].type.sql() == "real");
    CHECK(w->columns[1].nullable);
    CHECK(w->columns[1].comment == "may be missing");
    CHECK(w->columns[1].loc.line == 10);
    REQUIRE(plain.ok());
    CHECK(plain.schema.find_view("w")->columns.empty());
    const std::string comment = "COMMENT ON COLUMN public.w.v IS 'may be missing';\n";
    std::string typed_sql = history::schema_sql(typed.schema);
    const size_t at = typed_sql.find(comment);
    REQUIRE(at != std::string::npos);
    CHECK(history::schema_sql(plain.schema) == typed_sql.erase(at, comment.size()));
}

TEST_CASE("all errors of a run are reported, not just the first", "[parser]") {
    auto r = compile({{"s.yaml", "tables:\n  t:\n    columns: {a: txt, b: intger}\n    colums: {}\n"}});
    CHECK(r.diags.error_count() == 3);
}

TEST_CASE("document markers: a leading `---`, a trailing `---` or `...` lose nothing and are accepted", "[parser]") {
    const std::string table = "tables:\n  t:\n    columns: {a: text}\n";
    for (const std::string& text :
         {"---\n" + table, table + "---\n", table + "...\n", "---\n" + table + "...\n---\n"}) {
        auto r = compile({{"s.yaml", text}});
        INFO(text << r.diags.format());
        CHECK(r.ok());
        CHECK(r.schema.find_table("t"));
    }
}

TEST_CASE("forms PostgreSQL and TimescaleDB accept are not reported", "[parser]") {
    // Each was a false positive once; each was checked against the database.
    auto r = compile({{"s.yaml", R"yaml(
tables:
  m:
    columns:
      time: timestamptz(3)
      local: timestamp(3)?
      day: date?
      name: varchar(10485760)
      code: {type: varchar(3), default: "äöü"}
      ratio: {type: "numeric(2,4)", default: 0.0042}
      hundreds: {type: "numeric(3,-2)", default: 12345}
      enabled: {type: boolean, default: "yes"}
      disabled: {type: boolean, default: "Off"}
      flag: {type: boolean, default: "1"}
      state: {type: boolean, default: T}
      v: double precision
    unique:
      - [local, time]
    checks:
      name_sorted: name COLLATE "C" >= 'a'
      name_unknown: (name > 'a') IS NOT UNKNOWN
      name_normal: name IS NFC NORMALIZED
      name_overlay: overlay(name placing 'x' from 1) <> ''
      name_trim: trim(leading ' ' from name) <> ''
      year_epoch: extract(epoch from local) > 0
    hypertable: {time_column: time}
  n:
    columns:
      at: timestamp
      at_day: date
      at_local: timestamptz
    foreign_keys:
      - columns: [at_local, at]
        references: {table: m, columns: [local, time]}
aggregates:
  h:
    from: m
    bucket: 1 hour
    origin: 2000-01-01T00:00:00Z
    columns: {v: avg(v)}
    refresh: {start_offset: 3 hours, end_offset: 0 days, schedule: 1 hour}
  d:
    from: h
    bucket: 1 day
    origin: 2000-01-01 01:00:00+01
    columns: {v: avg(v)}
  h2:
    from: m
    bucket: 1 hour
    offset: 1 day
    columns: {v: avg(v)}
  d2:
    from: h2
    bucket: 1 day
    offset: 24 hours
    columns: {v: avg(v)}
)yaml"}});
    INFO(r.diags.format());
    CHECK(r.ok());
    CHECK(r.diags.warning_count() == 0);
    const Table* m = r.schema.find_table("m");
    REQUIRE(m);
    CHECK(m->find_column("time")->type.sql() == "timestamptz(3)");
    CHECK(m->find_column("local")->type.sql() == "timestamp(3)");
    CHECK(m->find_column("ratio")->type.sql() == "numeric(2,4)");
    CHECK(m->find_column("name")->type.length == 10485760);
    const auto* h = r.schema.find_aggregate("h");
    REQUIRE(h);
    const Policy* refresh = h->policies.find(PolicyKind::Refresh);
    REQUIRE(refresh);
    CHECK(refresh->end_offset == Interval{});
}
