/* test-seed-checklist.c — the seed's manual verification checklist, one
 * test per step, driven through the app window over a local backend
 *
 * Each test starts from a fresh data folder made by the engine: one
 * simulation run of a shipped template (RUNBOARD_TEMPLATE_DIR), created
 * with core's orchestrator. The template has no metadata.captureKey, so
 * generated telemetry is stored with the run.
 *
 *   1. Create a simulation run from a template.
 *   2. Open the run detail; verify "Telemetry: not available".
 *   3. Generate telemetry for this run → success; provenance shows up.
 *   4. Replay from telemetry → run is created; the UI confirms it.
 *   5. Replay from telemetry without generation → rejected with a clear
 *      message.
 *
 * The same five tests run twice: /local/ over RbLocalBackend, /remote/
 * over RbRemoteBackend talking to a runboard-server on that folder.
 *
 * Needs a display: prints a TAP skip-all without one (run under xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "rb-data-dir.h"
#include "rb-format.h"
#include "rb-generate-dialog.h"
#include "rb-local-backend.h"
#include "rb-new-run-dialog.h"
#include "rb-orchestrator.h"
#include "rb-remote-backend.h"
#include "rb-run-detail.h"
#include "rb-run-store.h"
#include "rb-template.h"
#include "rb-app-test-util.h"
#include "rb-test-util.h"
#include "rb-window.h"

#define TEMPLATE_ID "parcel-hub-sortation"

/* Fixture data: the same steps over a local backend or a real server. */
#define LOCAL  GINT_TO_POINTER (0)
#define REMOTE GINT_TO_POINTER (1)

typedef struct
{
  GSettings      *settings;
  char           *tmp;
  char           *data_dir;
  char           *run_id;       /* the simulation run made by the engine */
  RbTestServerProc *server;     /* REMOTE: runboard-server on data_dir */
  RbBackend      *backend;
  RbWindow       *window;
  RbRunDetail    *detail;
} Fixture;

/*
 * Helpers
 */

static gboolean
window_loaded (gpointer data)
{
  return !rb_window_get_loading (data);
}

static gboolean
detail_settled (gpointer data)
{
  return g_strcmp0 (rb_run_detail_get_state (data), "loading") != 0;
}

/* The first action row under @root whose title is @title (exactly, or
 * starting with it when @prefix). */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title,
          gboolean    prefix)
{
  if (ADW_IS_ACTION_ROW (root))
    {
      const char *row_title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));

      if (prefix ? g_str_has_prefix (row_title, title) : g_strcmp0 (row_title, title) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Whether @widget and all its ancestors are visible. */
/* The detail row titled @title is shown and displays @value. */
static void
assert_row_value (RbRunDetail *detail,
                  const char  *title,
                  const char  *value)
{
  GtkWidget *row = find_row (GTK_WIDGET (detail), title, FALSE);

  if (row == NULL)
    g_error ("No row titled «%s»", title);
  g_assert_true (rb_app_test_shown (row));
  if (!rb_app_test_has_label (row, value))
    g_error ("Row «%s» does not show «%s»", title, value);
}

static guint
count_runs (Fixture *f)
{
  g_autofree char *runs = g_build_filename (f->data_dir, "runs", NULL);

  /* Run folders only (the store keeps other entries there too). */
  return rb_test_count_entries (runs, "run_");
}

static void
select_and_wait (Fixture    *f,
                 const char *run_id)
{
  g_assert_true (rb_window_select_run (f->window, run_id));
  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, run_id);
  rb_test_spin_until (detail_settled, f->detail, 10000, "the run detail");
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "run");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

static gboolean
generate_dialog_not_loading (gpointer data)
{
  return g_strcmp0 (rb_generate_dialog_get_state (data), "loading") != 0;
}

static gboolean
generate_dialog_gone (gpointer data)
{
  gpointer *weak = data;

  return *weak == NULL || !gtk_widget_get_visible (GTK_WIDGET (*weak));
}

static gboolean
telemetry_shown (gpointer data)
{
  RbRun *run = rb_run_detail_get_run (data);
  const RbTelemetrySummary *telemetry = run != NULL ? rb_run_get_telemetry (run) : NULL;

  return telemetry != NULL && telemetry->available;
}

/* Step 3 as a user does it: the detail's "Generate…" button (it activates
 * win.generate-telemetry), then Generate in the dialog. */
static void
generate_telemetry (Fixture *f)
{
  GtkWidget *generate_first = rb_app_test_find_button (GTK_WIDGET (f->detail), "Generate…");
  RbGenerateDialog *dialog;
  GtkWidget *button;
  gpointer weak;

  g_assert_nonnull (generate_first);
  g_assert_true (rb_app_test_shown (generate_first));
  g_assert_true (gtk_widget_is_sensitive (generate_first));
  g_assert_null (find_toplevel (RB_TYPE_GENERATE_DIALOG));
  g_signal_emit_by_name (generate_first, "clicked");

  dialog = find_toplevel (RB_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (rb_generate_dialog_get_run_id (dialog), ==, f->run_id);
  rb_test_spin_until (generate_dialog_not_loading, dialog, 10000, "the dialog to read the template");
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "ready");
  /* No metadata.captureKey: the bundle is stored with the run. */
  g_assert_cmpstr (rb_generate_dialog_get_capture_key (dialog), ==, "");

  button = rb_app_test_find_button (GTK_WIDGET (dialog), "_Generate");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_signal_emit_by_name (button, "clicked");
  rb_test_spin_until (generate_dialog_gone, &weak, 30000, "the generation");
  if (weak != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), &weak);

  rb_test_spin_until (telemetry_shown, f->detail, 10000, "the detail to show the telemetry");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/*
 * Fixture
 */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbRunRequest) request = rb_run_request_new ();
  g_autoptr(RbRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;

  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "telemetry-generation-enabled");

  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  rb_data_dir_ensure (f->data_dir, &error);
  g_assert_no_error (error);

  /* Step 1's run, made by the engine from a shipped template. */
  catalog = rb_template_catalog_new (f->data_dir);
  request->template_id = g_strdup (TEMPLATE_ID);
  request->mode = g_strdup ("simulation");
  result = rb_orchestrator_create_run (f->data_dir, catalog, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rb_run_result_get_run (result));
  f->run_id = g_strdup (rb_run_get_run_id (rb_run_result_get_run (result)));

  if (data == REMOTE)
    {
      g_autofree char *log_path = g_build_filename (f->tmp, "server.log", NULL);

      f->server = rb_test_server_proc_start (f->data_dir, log_path, NULL, NULL);
      base_url = g_strdup (rb_test_server_proc_get_url (f->server));
      f->backend = RB_BACKEND (rb_remote_backend_new (base_url, NULL));
    }
  else
    {
      f->backend = RB_BACKEND (rb_local_backend_new (f->data_dir));
    }
  f->window = rb_window_new (NULL, f->backend, base_url);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));

  f->detail = RB_RUN_DETAIL (rb_app_test_find_widget (GTK_WIDGET (f->window), RB_TYPE_RUN_DETAIL));
  g_assert_nonnull (f->detail);

  rb_test_spin_until (window_loaded, f->window, 10000, "the run list");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gpointer dialog;

  while ((dialog = find_toplevel (ADW_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (f->window));
  rb_test_assert_finalized_soon (f->window);
  rb_test_assert_finalized_soon (f->backend);

  g_clear_pointer (&f->server, rb_test_server_proc_stop);

  g_settings_reset (f->settings, "telemetry-generation-enabled");
  g_clear_object (&f->settings);

  rb_test_remove_tree (f->tmp);
  g_free (f->run_id);
  g_free (f->data_dir);
  g_free (f->tmp);
}

/*
 * Tests: one per checklist step
 */

/* 1. Create a simulation run from a template: the engine's run is listed
 * as a simulation of that template. */
static void
test_step1_create_simulation_run (Fixture       *f,
                                  gconstpointer  data)
{
  GListModel *model = rb_window_get_run_list (f->window);
  g_autoptr(RbRun) listed = NULL;
  RbRun *run;

  g_assert_cmpuint (count_runs (f), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  listed = g_list_model_get_item (model, 0);
  g_assert_cmpstr (rb_run_get_run_id (listed), ==, f->run_id);
  g_assert_cmpstr (rb_run_get_template_id (listed), ==, TEMPLATE_ID);
  g_assert_cmpstr (rb_run_get_mode (listed), ==, "simulation");

  select_and_wait (f, f->run_id);
  run = rb_run_detail_get_run (f->detail);
  g_assert_cmpstr (rb_run_get_run_id (run), ==, f->run_id);
  assert_row_value (f->detail, "Run ID", f->run_id);
  assert_row_value (f->detail, "Template", TEMPLATE_ID);
  assert_row_value (f->detail, "Mode", "Simulation");
}

/* 2. Open the run detail: "Telemetry: not available". */
static void
test_step2_telemetry_not_available (Fixture       *f,
                                    gconstpointer  data)
{
  GtkWidget *replay;

  select_and_wait (f, f->run_id);

  g_assert_false (telemetry_shown (f->detail));
  assert_row_value (f->detail, "Available", "No");
  assert_row_value (f->detail, "Generated At", "—");
  assert_row_value (f->detail, "Source Run", "—");

  /* The way forward is offered right there. */
  g_assert_true (rb_app_test_shown (rb_app_test_find_button (GTK_WIDGET (f->detail), "Generate…")));
  replay = rb_app_test_find_button (GTK_WIDGET (f->detail), "Replay from _Telemetry");
  g_assert_nonnull (replay);
  g_assert_false (gtk_widget_get_sensitive (replay));
}

/* 3. Generate telemetry for this run: success, and the provenance shows
 * up in the detail. */
static void
test_step3_generate_shows_provenance (Fixture       *f,
                                      gconstpointer  data)
{
  const RbTelemetrySummary *telemetry;
  g_autofree char *bundle_dir = NULL;
  g_autofree char *generated = NULL;

  select_and_wait (f, f->run_id);
  generate_telemetry (f);

  telemetry = rb_run_get_telemetry (rb_run_detail_get_run (f->detail));
  g_assert_true (telemetry->available);
  g_assert_cmpstr (telemetry->source_run_id, ==, f->run_id);
  g_assert_nonnull (telemetry->generated_at_utc);

  assert_row_value (f->detail, "Available", "Yes");
  assert_row_value (f->detail, "Source Run", f->run_id);
  generated = rb_format_timestamp (telemetry->generated_at_utc);
  g_assert_nonnull (generated);
  assert_row_value (f->detail, "Generated At", generated);

  /* Written with the run; Generate… is no longer offered. */
  bundle_dir = g_build_filename (f->data_dir, "runs", f->run_id, "model", "telemetry", NULL);
  g_assert_true (g_file_test (bundle_dir, G_FILE_TEST_IS_DIR));
  g_assert_false (rb_app_test_shown (rb_app_test_find_button (GTK_WIDGET (f->detail), "Generate…")));
}

static gboolean
selected_other_than (gpointer data)
{
  Fixture *f = data;
  const char *selected = rb_window_get_selected_run_id (f->window);

  return selected != NULL && g_strcmp0 (selected, f->run_id) != 0 &&
         g_strcmp0 (rb_run_detail_get_state (f->detail), "run") == 0;
}

/* 4. Replay from telemetry: a telemetry run is created and selected, and
 * its detail says what it is a replay of. */
static void
test_step4_replay_from_telemetry (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *short_id = rb_format_short_run_id (f->run_id);
  g_autofree char *line = g_strdup_printf ("Replay from telemetry of %s", short_id);
  GtkWidget *replay;
  GtkWidget *row;
  RbRun *run;

  select_and_wait (f, f->run_id);
  generate_telemetry (f);

  replay = rb_app_test_find_button (GTK_WIDGET (f->detail), "Replay from _Telemetry");
  g_assert_nonnull (replay);
  g_assert_true (gtk_widget_get_sensitive (replay));
  g_assert_null (gtk_widget_get_tooltip_text (replay));

  g_signal_emit_by_name (replay, "clicked");
  rb_test_spin_until (selected_other_than, f, 30000, "the replay to be selected");

  g_assert_cmpuint (count_runs (f), ==, 2);
  run = rb_run_detail_get_run (f->detail);
  g_assert_cmpstr (rb_run_get_mode (run), ==, "telemetry");
  g_assert_cmpstr (rb_run_get_source_run_id (run), ==, f->run_id);
  g_assert_cmpstr (rb_run_get_source_kind (run), ==, "telemetry");

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  row = find_row (GTK_WIDGET (f->detail), line, FALSE);
  g_assert_nonnull (row);
  g_assert_true (rb_app_test_shown (row));
  assert_row_value (f->detail, "Mode", "Telemetry");
}

static gboolean
new_run_settled (gpointer data)
{
  const char *state = rb_new_run_dialog_get_state (data);

  return !g_str_equal (state, "loading") && !g_str_equal (state, "running");
}

/* 5. Replay from telemetry without generation: the action is insensitive
 * and says why; asking for a telemetry run of this run anyway (New Run in
 * telemetry mode) is rejected (422) with the backend's message and the
 * hint. Nothing is written. */
static void
test_step5_replay_without_generation (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *expected = NULL;
  RbNewRunDialog *dialog;
  GtkWidget *replay;

  select_and_wait (f, f->run_id);

  replay = rb_app_test_find_button (GTK_WIDGET (f->detail), "Replay from _Telemetry");
  g_assert_nonnull (replay);
  g_assert_false (gtk_widget_get_sensitive (replay));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (replay), ==, "Generate telemetry for this run first");

  /* As a shortcut or a stale menu would: nothing happens. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.replay-telemetry", NULL);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, f->run_id);
  g_assert_cmpuint (count_runs (f), ==, 1);

  /* New Run, preselected with this run's template, in telemetry mode. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-run", NULL));
  dialog = find_toplevel (RB_TYPE_NEW_RUN_DIALOG);
  g_assert_nonnull (dialog);
  rb_test_spin_until (new_run_settled, dialog, 10000, "the template's parameters");
  g_assert_cmpstr (rb_new_run_dialog_get_state (dialog), ==, "ready");
  g_assert_cmpstr (rb_new_run_dialog_get_template_id (dialog), ==, TEMPLATE_ID);

  rb_new_run_dialog_set_mode (dialog, "telemetry");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.run", NULL));
  rb_test_spin_until (new_run_settled, dialog, 20000, "the answer");

  g_assert_cmpstr (rb_new_run_dialog_get_state (dialog), ==, "error");
  expected = g_strdup_printf ("Run %s has no telemetry bundle. Generate telemetry for it first.\n"
                              "Generate telemetry from a run first (select a simulation run, then Generate Telemetry…).",
                              f->run_id);
  g_assert_cmpstr (rb_new_run_dialog_get_message (dialog), ==, expected);
  g_assert_true (rb_app_test_has_label (GTK_WIDGET (dialog), expected));
  g_assert_cmpuint (count_runs (f), ==, 1);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/app/seed-checklist/local/" path, Fixture, LOCAL, fixture_setup, func, fixture_teardown); \
  g_test_add ("/app/seed-checklist/remote/" path, Fixture, REMOTE, fixture_setup, func, fixture_teardown)

  ADD ("1-create-simulation-run", test_step1_create_simulation_run);
  ADD ("2-telemetry-not-available", test_step2_telemetry_not_available);
  ADD ("3-generate-shows-provenance", test_step3_generate_shows_provenance);
  ADD ("4-replay-from-telemetry", test_step4_replay_from_telemetry);
  ADD ("5-replay-without-generation", test_step5_replay_without_generation);

#undef ADD

  return g_test_run ();
}
