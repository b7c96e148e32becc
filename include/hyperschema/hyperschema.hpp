#pragma once

// The hyperschema runtime: include this one header.

#include "hyperschema/error.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/version.hpp"
