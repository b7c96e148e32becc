#pragma once

// Writes a model back out as canonical DSL YAML: one file, every setting
// explicit, the same text for the same model. Migrations record the state they
// leave the database in this form (the snapshot), and reading it back with the
// ordinary parser gives the model the next migration is diffed against.

#include <string>

#include "model/schema.hpp"

namespace hyperschema::emit {

std::string schema_yaml(const Schema& schema);

}  // namespace hyperschema::emit
