// `hyperschema graph`: the diagram of every schema in schemas/ and of a
// schema with joins, in both formats, byte for byte against tests/graphs/
// (HYPERSCHEMA_UPDATE_GOLDEN=1 rewrites them; both formats were checked by
// hand with Graphviz's dot and Mermaid 11's parser), and the edges a reader
// relies on.

#include "support/catch.hpp"

#include "emit/graph.hpp"
#include "pipeline/compile.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::vector<std::pair<std::string, std::string>> graphed_schemas() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& name : subdirectories(source_path("schemas"))) out.emplace_back(name, "schemas/" + name);
    out.emplace_back("site_rollups", "tests/realworld/site_rollups");
    return out;
}

Schema compiled(const std::string& dir) {
    CompileResult r = compile_directory(source_path(dir));
    INFO(r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

}  // namespace

TEST_CASE("graphs of the schemas match tests/graphs", "[graph]") {
    for (const auto& [name, dir] : graphed_schemas()) {
        const Schema schema = compiled(dir);
        for (const auto& [format, extension] :
             {std::pair{emit::GraphFormat::Mermaid, ".mmd"}, std::pair{emit::GraphFormat::Dot, ".dot"}}) {
            const std::string path = source_path("tests/graphs/" + name + extension);
            const std::string graph = emit::schema_graph(schema, format);
            if (update_golden()) {
                write_text(path, graph);
                continue;
            }
            INFO(path << "; " << kUpdateHint);
            CHECK(graph == read_text(path));
        }
    }
}

TEST_CASE("a graph draws foreign keys, aggregate sources and hierarchies, joins and policies", "[graph]") {
    const Schema schema = compiled("tests/realworld/site_rollups");
    const std::string mermaid = emit::schema_graph(schema, emit::GraphFormat::Mermaid);
    CHECK(mermaid.rfind("flowchart LR\n", 0) == 0);
    CHECK(mermaid.find("n_devices -->|\"site_id\"| n_sites") != std::string::npos);
    CHECK(mermaid.find("n_readings ==>|\"1 hour\"| n_site_energy_hourly") != std::string::npos);
    CHECK(mermaid.find("n_site_energy_hourly ==>|\"1 day\"| n_site_energy_daily") != std::string::npos);
    CHECK(mermaid.find("n_devices -.->|\"join\"| n_region_kind_daily") != std::string::npos);
    CHECK(mermaid.find("n_sites -.->|\"left join\"| n_region_kind_daily") != std::string::npos);
    CHECK(mermaid.find("n_readings[(\"<b>readings</b><br/>hypertable on time, chunks of 1 day\")]") !=
          std::string::npos);
    CHECK(mermaid.find("refreshed every 30 minutes (1 day to 1 hour ago)") != std::string::npos);
    const std::string dot = emit::schema_graph(schema, emit::GraphFormat::Dot);
    CHECK(dot.find("\"sites\" -> \"region_kind_daily\" [style=dashed, label=\"left join\"];") != std::string::npos);
    CHECK(dot.find("\"readings\" [shape=cylinder, label=\"readings\\nhypertable on time, chunks of 1 day\"];") !=
          std::string::npos);
}

TEST_CASE("a graph draws views and what they read, and escapes labels", "[graph]") {
    const Schema schema = compiled("schemas/gridpulse");
    const std::string mermaid = emit::schema_graph(schema, emit::GraphFormat::Mermaid);
    CHECK(mermaid.find("n_latest_observations -.-> n_ba_summary") != std::string::npos);
    CHECK(mermaid.find("{{\"<b>ba_summary</b><br/>view\"}}") != std::string::npos);
}

TEST_CASE("the README shows the example schema's diagram as it is drawn today", "[graph]") {
    const std::string block = "```mermaid\n" + read_text(source_path("tests/graphs/heatpump.mmd")) + "```\n";
    CHECK(read_text(source_path("README.md")).find(block) != std::string::npos);
}
