#pragma once

// The command line, read with CLI11 from the tables of commands and options
// (cli/commands.cpp): each command accepts exactly the options its row lists
// (and --color, --help), each option stores its value through its row.

#include <optional>
#include <string>

#include "cli/options.hpp"

namespace hyperschema::cli {

// What is wrong with a command line, in words that name the option or command
// at fault; `no_command` when it names no command (the overview helps then).
struct ArgumentProblem {
    std::string message;
    bool no_command = false;
};

// Fills `options` from argv.
std::optional<ArgumentProblem> parse_arguments(int argc, const char* const* argv, Options& options);

}  // namespace hyperschema::cli
