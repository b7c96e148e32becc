// The CLI's habits: per-command help from the table of commands, every
// option of that table accepted by the parser and listed in the overview,
// shell completion that completes, colour only on a terminal and never with
// NO_COLOR, and the JSON Schema command.

#include "support/catch.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "cli/commands.hpp"
#include "support/pg_cluster.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema::testing;

namespace {

struct Run {
    int status;
    std::string output;
};

Run run_cli(std::vector<std::string> args) {
    args.insert(args.begin(), HYPERSCHEMA_CLI);
    Run r{0, ""};
    r.status = run_command(args, &r.output);
    return r;
}

std::vector<std::string> words_of(std::string_view name) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < name.size()) {
        const size_t space = name.find(' ', start);
        out.emplace_back(name.substr(start, space - start));
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    return out;
}

std::string temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "hyperschema-habits-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    return pattern;
}

// What bash completes for `line` (the words typed so far, the last one being
// completed), with the script `hyperschema completion bash` prints.
std::string bash_completes(const std::string& script, const std::string& line) {
    const std::string program = "source " + script + "\nCOMP_WORDS=(" + line +
                                ")\nCOMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                                "[[ \"" +
                                line +
                                "\" == *' ' ]] && COMP_WORDS+=('') && COMP_CWORD=$(( COMP_CWORD + 1 ))\n"
                                "_hyperschema\necho \"${COMPREPLY[*]}\"\n";
    std::string output;
    REQUIRE(run_command({"bash", "-c", program}, &output) == 0);
    return output;
}

}  // namespace

TEST_CASE("every command has its own help, with its options and examples", "[cli][help]") {
    for (const auto& command : hyperschema::cli::command_specs()) {
        auto args = words_of(command.name);
        args.push_back("--help");
        Run r = run_cli(args);
        INFO(command.name << ":\n" << r.output);
        CHECK(r.status == 0);
        CHECK(r.output.rfind("usage: hyperschema " + std::string(command.synopsis), 0) == 0);
        for (auto option : command.options) CHECK(r.output.find("  " + std::string(option)) != std::string::npos);
        if (!command.examples.empty()) CHECK(r.output.find("examples:\n  ") != std::string::npos);
    }
    Run verify = run_cli({"verify", "--help"});
    CHECK(verify.output.find("--definitions") != std::string::npos);
    CHECK(verify.output.find("--pause") == std::string::npos);  // a backfill's option, not verify's
    Run overview = run_cli({"--help"});
    CHECK(overview.output.rfind("usage: hyperschema <command>", 0) == 0);
}

TEST_CASE("every option of the table is listed in the overview", "[cli][help]") {
    const std::string overview = run_cli({"--help"}).output;
    std::set<std::string> listed;
    const std::regex option_line(R"(\n  (--[a-z-]+))");
    for (auto it = std::sregex_iterator(overview.begin(), overview.end(), option_line); it != std::sregex_iterator();
         ++it)
        listed.insert((*it)[1]);
    for (const auto& o : hyperschema::cli::option_specs()) {
        INFO(o.name);
        if (o.name == "--help") continue;  // listed as `-h, --help`
        CHECK(listed.count(std::string(o.name)) == 1);
    }
    for (const auto& name : listed) {
        INFO(name << " is in --help but not in cli/commands.cpp's table");
        CHECK((hyperschema::cli::find_option(name) != nullptr || name == "--version"));
    }
}

TEST_CASE("bash completion completes commands, subcommands, options and their values", "[cli][completion]") {
    const std::string dir = temp_dir(), script = dir + "/hyperschema.bash";
    Run printed = run_cli({"completion", "bash"});
    REQUIRE(printed.status == 0);
    std::ofstream(script) << printed.output;
    std::string output;
    REQUIRE(run_command({"bash", "-n", script}, &output) == 0);
    CHECK(bash_completes(script, "hyperschema mig") == "migrate\n");
    CHECK(bash_completes(script, "hyperschema migrate ") == "new up down status baseline\n");
    CHECK(bash_completes(script, "hyperschema verify --def") == "--definitions\n");
    CHECK(bash_completes(script, "hyperschema migrate up --db-f") == "--db-file\n");
    CHECK(bash_completes(script, "hyperschema graph --format ") == "text json mermaid dot\n");
    CHECK(bash_completes(script, "hyperschema backfill run --max") == "--max-rows-per-second --max-batches\n");
    // A short option's value, and values after `=` however bash split the word.
    CHECK(bash_completes(script, "hyperschema generate -o " + source_path("schem")) == source_path("schemas") + "\n");
    CHECK(bash_completes(script, "hyperschema verify --format =") == "text json mermaid dot\n");
    CHECK(bash_completes(script, "hyperschema verify --format = js") == "json\n");
    CHECK(bash_completes(script, "hyperschema verify --format=js") == "--format=json\n");
    CHECK(bash_completes(script, "hyperschema verify --color=n") == "--color=never\n");
    CHECK(run_cli({"completion", "fish"}).status == 2);
    // The copies the package installs are what the command prints.
    CHECK(read_text(source_path("scripts/completion/hyperschema.bash")) == printed.output);
    CHECK(read_text(source_path("scripts/completion/_hyperschema")) == run_cli({"completion", "zsh"}).output);
    fs::remove_all(dir);
}

TEST_CASE("errors are coloured on a terminal, never with NO_COLOR or into a pipe", "[cli][colour]") {
    const std::string bad = source_path("tests/cases/invalid/unknown_key");
    const std::string red = "\033[1;31merror:";
    CHECK(run_cli({"validate", bad}).output.find(red) == std::string::npos);                          // a pipe
    CHECK(run_cli({"validate", bad, "--color", "always"}).output.find(red) != std::string::npos);     // forced
    CHECK(run_cli({"validate", bad, "--color", "never"}).output.find("\033[") == std::string::npos);  // refused
    // A real terminal, through script(1).
    std::string on_terminal, without_colour;
    const std::string command = std::string(HYPERSCHEMA_CLI) + " validate " + bad;
    run_command({"script", "-qec", "env TERM=xterm " + command, "/dev/null"}, &on_terminal);
    run_command({"script", "-qec", "env TERM=xterm NO_COLOR=1 " + command, "/dev/null"}, &without_colour);
    CHECK(on_terminal.find(red) != std::string::npos);
    CHECK(without_colour.find("error: unknown key") != std::string::npos);
    CHECK(without_colour.find("\033[") == std::string::npos);
}

TEST_CASE("json-schema prints the DSL's schema and writes it only when it changed", "[cli][json-schema]") {
    Run printed = run_cli({"json-schema"});
    REQUIRE(printed.status == 0);
    CHECK(printed.output.find("\"$defs\"") != std::string::npos);
    const std::string dir = temp_dir();
    Run first = run_cli({"json-schema", "--out", dir});
    CHECK(first.status == 0);
    CHECK(first.output.find("wrote") != std::string::npos);
    CHECK(read_text(dir + "/hyperschema.schema.json") == printed.output);
    Run again = run_cli({"json-schema", "--out", dir});
    CHECK(again.output.find("wrote") == std::string::npos);
    CHECK(run_cli({"json-schema", "--out", dir, "--check"}).status == 0);
    std::ofstream(dir + "/hyperschema.schema.json") << "{}";
    CHECK(run_cli({"json-schema", "--out", dir, "--check"}).status == 1);
    CHECK(read_text(source_path("generated/hyperschema.schema.json")) == printed.output);
    fs::remove_all(dir);
}
