// pull's reading of a continuous aggregate's query as pg_get_viewdef(oid,
// true) prints it: joins with aliases, group-by keys of every form.

#include "support/catch.hpp"

#include "pull/aggregate_query.hpp"

using hyperschema::pull::split_aggregate_query;

TEST_CASE("pull reads joins and group-by keys, aliases as the tables' names", "[pull]") {
    const std::string query =
        " SELECT time_bucket('01:00:00'::interval, r.\"time\") AS bucket,\n"
        "    d.kind,\n"
        "    lower(s.region) AS region,\n"
        "    avg(r.power_w) AS avg_w\n"
        "   FROM readings r\n"
        "     JOIN devices d ON d.id = r.device_id AND \"left\"(d.kind, 1) <> 'x'::text\n"
        "     LEFT JOIN sites s ON s.id = d.site_id\n"
        "  GROUP BY (time_bucket('01:00:00'::interval, r.\"time\")), d.kind, (lower(s.region))";
    std::string problem;
    auto q = split_aggregate_query(query, "readings", &problem);
    INFO(problem);
    REQUIRE(q);
    REQUIRE(q->joins.size() == 2);
    CHECK(q->joins[0].table == "devices");
    CHECK_FALSE(q->joins[0].left);
    CHECK(q->joins[0].on == "devices.id = readings.device_id AND \"left\"(devices.kind, 1) <> 'x'::text");
    CHECK(q->joins[1].table == "sites");
    CHECK(q->joins[1].left);
    CHECK(q->joins[1].on == "sites.id = devices.site_id");
    REQUIRE(q->group_by.size() == 2);
    CHECK(q->group_by[0].name == "kind");
    CHECK(q->group_by[0].column == "devices.kind");
    CHECK(q->group_by[1].name == "region");
    CHECK(q->group_by[1].expression == "lower(sites.region)");
    REQUIRE(q->columns.size() == 1);
    CHECK(q->columns[0].second == "avg(readings.power_w)");
}

TEST_CASE("pull maps swapped aliases in one pass", "[pull]") {
    // `devices` is the alias of sites and `sites` the alias of devices.
    const std::string query =
        " SELECT time_bucket('01:00:00'::interval, r.\"time\") AS bucket,\n"
        "    count(*) AS n\n"
        "   FROM readings r\n"
        "     JOIN devices sites ON sites.id = r.device_id\n"
        "     LEFT JOIN sites devices ON devices.name = sites.name\n"
        "  GROUP BY (time_bucket('01:00:00'::interval, r.\"time\"))";
    std::string problem;
    auto q = split_aggregate_query(query, "readings", &problem);
    INFO(problem);
    REQUIRE(q);
    REQUIRE(q->joins.size() == 2);
    CHECK(q->joins[0].on == "devices.id = readings.device_id");
    CHECK(q->joins[1].on == "sites.name = devices.name");
}

TEST_CASE("pull reports what the DSL's aggregates cannot say", "[pull]") {
    auto problem_of = [](const std::string& query) {
        std::string problem;
        CHECK_FALSE(split_aggregate_query(query, "readings", &problem));
        return problem;
    };
    CHECK(problem_of(" SELECT time_bucket('1 day'::interval, readings.\"time\") AS bucket, count(*) AS n\n"
                     "   FROM readings, devices\n  WHERE devices.id = readings.device_id\n"
                     "  GROUP BY (time_bucket('1 day'::interval, readings.\"time\"))")
              .find("INNER or LEFT joins") != std::string::npos);
    CHECK(problem_of(" SELECT time_bucket('1 day'::interval, \"time\") AS bucket, count(*) AS n\n   FROM readings\n"
                     "  GROUP BY (time_bucket('1 day'::interval, \"time\")), (device_id % 10)")
              .find("does not output") != std::string::npos);
}
