// The command line as CLI11 reads it from the tables of commands and options:
// each command takes exactly its own options, in every spelling CLI users
// type (`--out DIR`, `--out=DIR`, `-o DIR`, `-j4`), refuses the others by
// name, and keeps its words in order.

#include "support/catch.hpp"

#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"

using hyperschema::cli::ArgumentProblem;
using hyperschema::cli::Options;

namespace {

struct Parsed {
    Options options;
    std::optional<ArgumentProblem> problem;
    std::string message() const { return problem ? problem->message : ""; }
};

Parsed parse(std::vector<std::string> words) {
    words.insert(words.begin(), "hyperschema");
    std::vector<const char*> argv;
    for (const auto& w : words) argv.push_back(w.c_str());
    Parsed p;
    p.problem = hyperschema::cli::parse_arguments(static_cast<int>(argv.size()), argv.data(), p.options);
    return p;
}

std::vector<std::string> words_of(std::string_view name) {
    std::vector<std::string> out;
    const size_t space = name.find(' ');
    out.emplace_back(name.substr(0, space));
    if (space != std::string_view::npos) out.emplace_back(name.substr(space + 1));
    return out;
}

}  // namespace

TEST_CASE("every command accepts each of its options and refuses every other", "[cli][arguments]") {
    for (const auto& command : hyperschema::cli::command_specs()) {
        for (const auto& option : hyperschema::cli::option_specs()) {
            if (option.name == "--help" || option.name == "--color") continue;
            auto words = words_of(command.name);
            words.push_back(std::string(option.name));
            if (!option.value.empty()) words.push_back(option.choices.empty() ? "2" : std::string(option.choices[0]));
            const bool takes =
                std::find(command.options.begin(), command.options.end(), option.name) != command.options.end();
            INFO(command.name << " " << option.name);
            Parsed p = parse(words);
            if (takes) {
                CHECK(p.message() == "");
                CHECK(p.options.command == words[0]);
            } else {
                CHECK(p.message() == "`" + std::string(command.name) + "` does not take " + std::string(option.name) +
                                         " (its options: hyperschema " + std::string(command.name) + " --help)");
            }
        }
    }
}

TEST_CASE("options are read in the spellings CLI users type", "[cli][arguments]") {
    Parsed p = parse({"migrate", "up", "schemas/heatpump", "--db", "dbname=a", "--db=dbname=b", "-j3", "-o", "out",
                      "--color=never", "--to", "7"});
    REQUIRE(p.message() == "");
    CHECK(p.options.command == "migrate");
    CHECK(p.options.args == std::vector<std::string>{"up", "schemas/heatpump"});
    CHECK(p.options.dbs == std::vector<std::string>{"dbname=a", "dbname=b"});
    CHECK(p.options.jobs == 3);
    CHECK(p.options.jobs_given);
    CHECK(p.options.out == "out");
    CHECK(p.options.out_given);
    CHECK(p.options.colour == "never");
    CHECK(p.options.to == 7);

    // Options before the command, values that look like commands.
    p = parse({"--out", "generate", "generate", "--check", "schemas"});
    REQUIRE(p.message() == "");
    CHECK(p.options.command == "generate");
    CHECK(p.options.out == "generate");
    CHECK(p.options.check);
    CHECK(p.options.args == std::vector<std::string>{"schemas"});
    // A word after the command stays the command's, even when it names another command.
    p = parse({"migrate", "new", "init", "schemas/heatpump", "--allow-destructive"});
    REQUIRE(p.message() == "");
    CHECK(p.options.args == std::vector<std::string>{"new", "init", "schemas/heatpump"});
    CHECK(p.options.allow_destructive);
    p = parse({"migrate", "down", "2", "--dry-run", "schemas/heatpump"});
    CHECK(p.options.args == std::vector<std::string>{"down", "2", "schemas/heatpump"});
    p = parse({"verify", "--ignore", "tmp_*", "--ignore=old_*", "--jobs=12", "--db", "x"});
    CHECK(p.options.ignore == std::vector<std::string>{"tmp_*", "old_*"});
    CHECK(p.options.jobs == 12);
}

TEST_CASE("a command line's mistakes are named", "[cli][arguments]") {
    CHECK(parse({}).message() == "missing command");
    CHECK(parse({}).problem->no_command);
    CHECK(parse({"--out", "x"}).message() == "missing command");
    CHECK(parse({"frobnicate"}).message() == "unknown command `frobnicate`");
    CHECK(parse({"migrate"}).message() ==
          "`migrate` takes new, up, down, status or baseline (e.g. `hyperschema migrate new --help`)");
    CHECK(parse({"backfill", "rerun"}).message() ==
          "`backfill` takes run, status or verify (e.g. `hyperschema backfill run --help`)");
    CHECK(parse({"validate", "--bogus"}).message() == "unknown option --bogus");
    CHECK(parse({"validate", "--bogus=1"}).message() == "unknown option --bogus");
    CHECK(parse({"migrate", "up", "--db"}).message() == "--db needs a value");
    CHECK(parse({"migrate", "up", "--out", "a", "--out", "b"}).message() ==
          "--out is given more than once; give it once");
    CHECK(parse({"migrate", "up", "-j", "0"}).message() ==
          "--jobs takes a number of databases to work on at once, from 1 to 999");
    CHECK(parse({"migrate", "up", "--jobs", "many"}).message() ==
          "--jobs takes a number of databases to work on at once, from 1 to 999");
    CHECK(parse({"generate", "--sources", "65"}).message() == "--sources takes a number of files from 1 to 64");
    CHECK(parse({"graph", "--format", "svg"}).message() == "--format takes text, json, mermaid or dot");
    CHECK(parse({"validate", "--color", "sometimes"}).message() == "--color takes auto, always or never");
    CHECK(parse({"pull", "--name="}).message() == "--name needs a value");
    CHECK(parse({"validate", "-o", "x"}).message() ==
          "`validate` does not take -o (its options: hyperschema validate --help)");
}
