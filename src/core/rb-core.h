/* rb-core.h — everything core offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-expr.h"
#include "rb-fs.h"
#include "rb-hash.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-number.h"
#include "rb-run.h"
#include "rb-run-store.h"
#include "rb-series.h"
#include "rb-time.h"
#include "rb-yaml.h"
