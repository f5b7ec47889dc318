/* rb-run-private.h — the RbRun instance, shared by rb-run*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-run.h"

G_BEGIN_DECLS

/* The fields marked "shared" repeat across thousands of runs (a list of
 * 100 000 runs has a handful of templates): they are interned, counted
 * strings (_rb_shared_new), set only through _rb_run_set_shared (or with
 * a reference of their own) and released in finalize. */
/* What most listed runs lack (a diagnostic, a replay's source, telemetry,
 * the detail): one block, made by the first write (_rb_run_rare), so
 * 100 000 runs listed from the index do not carry it. Reads go through
 * RB_RUN_RARE, which gives zeroes for a run without it. */
typedef struct
{
  char               *diagnostic;
  GError             *load_error;
  char               *source_run_id;
  char               *source_kind;      /* shared */
  RbTelemetrySummary  telemetry;
  char               *input_hash;
  JsonObject         *parameters;       /* NULL until asked for */
  char               *parameters_json;  /* from the run index: parsed on first use */
  GPtrArray          *warnings;         /* NULL until the first (_rb_run_warnings) */
  GPtrArray          *topology;         /* NULL until the first (_rb_run_topology) */
  GPtrArray          *series;           /* NULL until the first (_rb_run_series) */
} RbRunRare;

extern const RbRunRare _rb_run_no_rare;

#define RB_RUN_RARE(run) ((run)->rare != NULL ? (const RbRunRare *) (run)->rare : &_rb_run_no_rare)

struct _RbRun
{
  GObject             parent_instance;

  /* Where it was read from (NULL for runs from JSON) */
  char               *directory;        /* see directory_in_runs */
  char               *data_dir;         /* shared */

  /* Summary */
  char               *run_id;
  char               *template_id;      /* shared */
  char               *template_title;   /* shared */
  char               *template_version; /* shared */
  char               *mode;             /* shared */
  char               *created_utc;
  gint64              created_usec;     /* valid when created_utc != NULL */
  guint               warning_count;
  guint               bins;
  guint               bin_size;
  guint               has_grid : 1;
  guint               has_rng : 1;
  guint               metadata_ok : 1;
  guint               directory_in_runs : 1;  /* directory is <data_dir>/runs/<run_id>, made when asked */
  guint               has_detail : 1;
  guint               can_replay : 1;
  char               *bin_unit;         /* shared */
  char               *rng_kind;         /* shared */
  gint64              rng_seed;
  RbRunRare          *rare;             /* NULL until written */
};

char *_rb_shared_new (const char *text, gsize length);
char *_rb_shared_ref (char *text);
void  _rb_shared_unref (char *text);
void  _rb_run_set_shared (char       **slot,
                          const char  *text);
RbRunRare *_rb_run_rare (RbRun *self);
/* The arrays, made on first use (most listed runs never need them). */
GPtrArray *_rb_run_warnings (RbRun *self);
GPtrArray *_rb_run_topology (RbRun *self);
GPtrArray *_rb_run_series (RbRun *self);
void _rb_run_telemetry_summary_clear (RbTelemetrySummary *telemetry);
void _rb_run_set_parameters (RbRun *self, JsonObject *parameters);
void _rb_run_read_warnings (RbRun *self, JsonArray *array);
const char * _rb_run_get_text (JsonObject *object, const char *member);
gboolean _rb_run_parse_created (const char *text, char **out_text, gint64 *out_usec);

G_END_DECLS
