/* rb-run-private.h — the RbRun instance, shared by rb-run*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-run.h"

G_BEGIN_DECLS

struct _RbRun
{
  GObject             parent_instance;

  /* Where it was read from (NULL for runs from JSON) */
  char               *directory;
  char               *data_dir;

  /* Summary */
  char               *run_id;
  char               *template_id;
  char               *template_title;
  char               *template_version;
  char               *mode;
  char               *created_utc;
  gint64              created_usec;     /* valid when created_utc != NULL */
  guint               warning_count;
  char               *diagnostic;
  GError             *load_error;
  gboolean            has_grid;
  guint               bins;
  guint               bin_size;
  char               *bin_unit;
  gboolean            has_rng;
  char               *rng_kind;
  gint64              rng_seed;
  char               *source_run_id;
  char               *source_kind;
  RbTelemetrySummary  telemetry;
  char               *input_hash;
  JsonObject         *parameters;       /* NULL until asked for */
  char               *parameters_json;  /* from the run index: parsed on first use */
  GPtrArray          *warnings;
  gboolean            metadata_ok;

  /* Detail */
  gboolean            has_detail;
  gboolean            can_replay;
  GPtrArray          *topology;
  GPtrArray          *series;
};

void _rb_run_telemetry_summary_clear (RbTelemetrySummary *telemetry);
void _rb_run_set_parameters (RbRun *self, JsonObject *parameters);
void _rb_run_read_warnings (RbRun *self, JsonArray *array);
const char * _rb_run_get_text (JsonObject *object, const char *member);
gboolean _rb_run_parse_created (const char *text, char **out_text, gint64 *out_usec);

G_END_DECLS
