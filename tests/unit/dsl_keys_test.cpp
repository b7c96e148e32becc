// The DSL's table of keys (parse/dsl_keys.cpp), which the JSON Schema is
// written from, against the parser itself: every key the parser reads is in
// the table, and every key in the table is one the parser reads. The parser's
// keys are the string literals it passes to MapReader (take*, require, has,
// key_loc, value_loc, on_duplicate; take_int64 and parse_action, which
// take the reader as an argument) in generator/src/parse/*.cpp.

#include "support/catch.hpp"

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "emit/json_schema.hpp"
#include "parse/dsl_keys.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::set<std::string> parser_keys() {
    const std::regex call(
        R"re(\b(take\w*|require|has|taken|key_loc|value_loc|on_duplicate|reported|parse_action)\((?:\w+,\s*)*"([a-z_]+)")re");
    std::set<std::string> keys;
    for (const auto& entry : fs::directory_iterator(source_path("generator/src/parse"))) {
        if (entry.path().extension() != ".cpp" || entry.path().filename() == "dsl_keys.cpp") continue;
        const std::string text = read_text(entry.path().string());
        for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it)
            keys.insert((*it)[2]);
    }
    return keys;
}

std::set<std::string> table_keys() {
    std::set<std::string> keys;
    for (const auto& d : parse::dsl::definitions())
        for (const auto& k : d.keys) keys.insert(std::string(k.name));
    return keys;
}

// Every definition a form names exists, and every definition is used.
void check_references() {
    std::set<std::string> used{"file"};
    auto visit = [&](const std::vector<parse::dsl::Form>& forms, const std::string& where) {
        for (const auto& f : forms) {
            if (f.shape != parse::dsl::Shape::Ref && f.shape != parse::dsl::Shape::MapOf &&
                f.shape != parse::dsl::Shape::ListOf)
                continue;
            INFO(where);
            CHECK(parse::dsl::find_definition(f.target) != nullptr);
            used.insert(std::string(f.target));
        }
    };
    for (const auto& d : parse::dsl::definitions()) {
        visit(d.forms, std::string(d.id));
        for (const auto& k : d.keys) {
            visit(k.forms, std::string(d.id) + "." + std::string(k.name));
            INFO(std::string(d.id) + "." + std::string(k.name));
            CHECK_FALSE(k.description.empty());
            CHECK_FALSE(k.forms.empty());
        }
    }
    for (const auto& d : parse::dsl::definitions()) {
        INFO("definition " << d.id << " is never used");
        CHECK(used.count(std::string(d.id)) == 1);
    }
}

}  // namespace

TEST_CASE("the DSL's table of keys has every key the parser reads, and no other", "[json-schema]") {
    const auto parser = parser_keys(), table = table_keys();
    REQUIRE(parser.size() > 100);
    for (const auto& k : parser) {
        INFO("the parser reads `" << k << "`; add it to generator/src/parse/dsl_keys.cpp");
        CHECK(table.count(k) == 1);
    }
    for (const auto& k : table) {
        INFO("dsl_keys.cpp lists `" << k << "`, which the parser never reads");
        CHECK(parser.count(k) == 1);
    }
    check_references();
}

TEST_CASE("the JSON Schema is written deterministically and names every definition", "[json-schema]") {
    const std::string schema = emit::dsl_json_schema();
    CHECK(schema == emit::dsl_json_schema());
    CHECK(schema.find("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"") != std::string::npos);
    for (const auto& d : parse::dsl::definitions()) {
        INFO(d.id);
        CHECK(schema.find("\"" + std::string(d.id) + "\": {") != std::string::npos);
    }
}
