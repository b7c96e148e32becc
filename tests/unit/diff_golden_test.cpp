// The diff engine, both directions: tests/migrations/<case>/ holds a schema
// before/ and after/ a change, and the up and down migrations it must give.

#include "support/catch.hpp"

#include "diff/diff.hpp"
#include "migrate/migrations.hpp"
#include "pipeline/compile.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::vector<std::string> irreversible(const diff::Plan& plan) {
    std::vector<std::string> out;
    for (const auto& c : plan.changes) {
        if (!c.irreversible.empty()) out.push_back(c.irreversible);
    }
    return out;
}

std::string render(const diff::Plan& plan, const diff::Plan& reverse, bool up) {
    std::string out = history::render_migration(plan, "test", "0002_change", up, irreversible(reverse));
    for (const auto& [loc, reason] : plan.unsupported) {
        out += "-- unsupported: " + loc.file + ":" + std::to_string(loc.line) + ": " + reason + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("every kind of change diffs to its expected up and down migration", "[diff]") {
    const std::string root = source_path("tests/migrations");
    auto cases = subdirectories(root);
    REQUIRE(cases.size() >= 9);
    for (const auto& name : cases) {
        INFO("case " << name << "; " << kUpdateHint);
        Schema before = compiled_schema(root + "/" + name + "/before", name);
        Schema after = compiled_schema(root + "/" + name + "/after", name);
        diff::Plan up = diff::diff_schemas(before, after, diff::Direction::Up);
        diff::Plan down = diff::diff_schemas(after, before, diff::Direction::Down);
        const std::string up_sql = render(up, down, true), down_sql = render(down, up, false);
        if (update_golden()) {
            write_text(root + "/" + name + "/expected.up.sql", up_sql);
            write_text(root + "/" + name + "/expected.down.sql", down_sql);
            continue;
        }
        CHECK(up_sql == read_text(root + "/" + name + "/expected.up.sql"));
        CHECK(down_sql == read_text(root + "/" + name + "/expected.down.sql"));
        // A schema never differs from itself.
        CHECK(diff::diff_schemas(after, after).empty());
        CHECK(diff::diff_schemas(before, before).empty());
    }
}
