#pragma once

#include "diff/plan.hpp"
#include "model/schema.hpp"

namespace hyperschema::diff {

enum class Direction {
    Up,    // `to` declares renames (renamed_from) relative to `from`
    Down,  // `from` declares them: the reverse of an up migration
};

// The changes that take a database from `from` to `to`, both validated
// models. An empty `from` gives the whole schema.
Plan diff_schemas(const Schema& from, const Schema& to, Direction direction = Direction::Up);

}  // namespace hyperschema::diff
