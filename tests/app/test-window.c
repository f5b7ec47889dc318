/* test-window.c — the main window over a temp copy of the sample data
 *
 * Every test runs twice: /app/window/local/… over RbLocalBackend on the
 * temp folder, /app/window/remote/… over RbRemoteBackend talking to a real
 * runboard-server on that same folder.
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
#include "rb-app-test-util.h"
#include "rb-local-backend.h"
#include "rb-new-run-dialog.h"
#include "rb-preferences-window.h"
#include "rb-remote-backend.h"
#include "rb-run-detail.h"
#include "rb-run-replay.h"
#include "rb-run-row.h"
#include "rb-run-store.h"
#include "rb-series-chart.h"
#include "rb-test-util.h"
#include "rb-window.h"

/* Facts of tests/data/sample (tests/data/make-sample.py) the assertions
 * rely on. */
#define SAMPLE_RUN              "run_20261123T110000Z_0d9c8b7a"
#define SAMPLE_RUN_TITLE        "IT System with Queueing and Database Retries"
#define SAMPLE_RUN_VERSION      "Version 2.0.0"
#define SAMPLE_RUN_GRID         "288 bins × 5 min"
#define SAMPLE_RUN_SEED         "77 (pcg32)"
#define SAMPLE_RUN_PARAM_NAME   "authCapacity"
#define SAMPLE_RUN_PARAM_VALUE  "420"
#define SAMPLE_REPLAY           "run_20261122T093000Z_5e6f7a8b"
#define SAMPLE_SEARCH           "transportation"
/* A run the test holds back, then drops in while the window is open. */
#define HELD_BACK_RUN           "run_20261120T081500Z_7c1e2a90"

/* Fixture data: which backend, and how telemetry generation is turned
 * off (if at all). */
typedef struct
{
  gboolean remote;
  gboolean setting_off;   /* telemetry-generation-enabled is false */
  gboolean backend_off;   /* LOCAL: RUNBOARD_DISABLE_TELEMETRY_GENERATION=1;
                           * REMOTE: runboard-server --disable-telemetry-generation */
} Variant;

static const Variant local_variant = { FALSE, FALSE, FALSE };
static const Variant remote_variant = { TRUE, FALSE, FALSE };
static const Variant local_setting_off = { FALSE, TRUE, FALSE };
static const Variant remote_setting_off = { TRUE, TRUE, FALSE };
static const Variant local_backend_off = { FALSE, FALSE, TRUE };
static const Variant remote_backend_off = { TRUE, FALSE, TRUE };

static const char * const settings_keys[] = {
  "telemetry-generation-enabled", "list-filter-mode", "list-filter-telemetry",
  "list-filter-warnings", "list-sort", "list-sort-descending", "data-directory",
};

typedef struct
{
  GSettings      *settings;
  char           *tmp;
  char           *data_dir;
  const Variant  *variant;
  RbTestServerProc *server;   /* REMOTE: runboard-server on data_dir */
  RbBackend      *backend;
  RbWindow       *window;
  RbRunDetail    *detail;
  GPtrArray      *expected;   /* runs as core orders them, without the held-back one */
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
  const char *state = rb_run_detail_get_state (data);

  return g_strcmp0 (state, "loading") != 0;
}

static GtkWidget *
find_row_titled (GtkWidget  *root,
                 const char *prefix)
{
  if (ADW_IS_ACTION_ROW (root) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), prefix))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_titled (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Visible label texts under @root, in tree order. */
static void
collect_labels (GtkWidget *root,
                GPtrArray *texts,
                gboolean   visible_only)
{
  if (visible_only && !gtk_widget_get_visible (root))
    return;

  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (root))));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts, visible_only);
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (root, texts, TRUE);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_has_label (GtkWidget  *root,
                  const char *text)
{
  if (!has_label (root, text))
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) all = g_string_new (NULL);

      collect_labels (root, texts, TRUE);
      for (guint i = 0; i < texts->len; i++)
        g_string_append_printf (all, "\n  «%s»", (char *) g_ptr_array_index (texts, i));
      g_error ("No visible label «%s»; labels:%s", text, all->str);
    }
}

/* No label text or tooltip anywhere under @root mentions @path. */
static void
assert_no_path (GtkWidget  *root,
                const char *path)
{
  const char *tooltip = gtk_widget_get_tooltip_text (root);

  if (GTK_IS_LABEL (root))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (root));

      if (strstr (label, path) != NULL)
        g_error ("A label shows the data folder: «%s»", label);
    }
  if (tooltip != NULL && strstr (tooltip, path) != NULL)
    g_error ("A tooltip shows the data folder: «%s»", tooltip);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_no_path (child, path);
}

static guint
count_bound_rows (GtkWidget *root)
{
  guint n = 0;

  if (RB_IS_RUN_ROW (root) && rb_run_row_get_run (RB_RUN_ROW (root)) != NULL &&
      gtk_widget_get_mapped (root))
    return 1;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_bound_rows (child);

  return n;
}

/* Whether @widget and all its ancestors are visible. */
static gboolean
shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;

  return TRUE;
}

static RbGenerateDialog *
find_generate_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (RB_IS_GENERATE_DIALOG (window))
        return RB_GENERATE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_not_loading (gpointer data)
{
  return g_strcmp0 (rb_generate_dialog_get_state (data), "loading") != 0;
}

static gboolean
dialog_not_running (gpointer data)
{
  gpointer *weak = data;

  return *weak == NULL || g_strcmp0 (rb_generate_dialog_get_state (*weak), "running") != 0;
}

static gboolean
telemetry_shown (gpointer data)
{
  RbRunDetail *detail = data;
  RbRun *run = rb_run_detail_get_run (detail);
  const RbTelemetrySummary *telemetry = run != NULL ? rb_run_get_telemetry (run) : NULL;

  return telemetry != NULL && telemetry->available;
}

/* Opens the dialog through win.generate-telemetry for the selected run and
 * waits for its template to be read. */
static RbGenerateDialog *
open_generate_dialog (Fixture *f)
{
  RbGenerateDialog *dialog;

  g_assert_null (find_generate_dialog ());
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate-telemetry", NULL);
  dialog = find_generate_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (rb_generate_dialog_get_run_id (dialog), ==, rb_window_get_selected_run_id (f->window));
  rb_test_spin_until (dialog_not_loading, dialog, 10000, "the dialog to read the template");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));

  return dialog;
}

/* Clicks @label in @dialog and spins until the generation is over; returns
 * the dialog when it stays open, NULL when it closed (success). */
static RbGenerateDialog *
click_and_wait (RbGenerateDialog *dialog,
                const char       *label)
{
  GtkWidget *button = rb_app_test_find_button (GTK_WIDGET (dialog), label);
  gpointer weak = dialog;

  g_assert_nonnull (button);
  g_assert_true (shown (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "running");
  rb_test_spin_until (dialog_not_running, &weak, 30000, "the generation");
  if (weak == NULL)
    return NULL;

  g_object_remove_weak_pointer (G_OBJECT (dialog), &weak);
  /* Closed (destroyed; a last reference may linger a moment). */
  if (!gtk_widget_get_visible (GTK_WIDGET (dialog)))
    return NULL;

  return dialog;
}

static char **
listed_ids (RbWindow *window)
{
  GListModel *model = rb_window_get_run_list (window);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RbRun) run = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, rb_run_get_run_id (run));
    }

  return g_strv_builder_end (builder);
}

static RbRun *
expected_run (Fixture    *f,
              const char *run_id)
{
  for (guint i = 0; i < f->expected->len; i++)
    if (g_str_equal (rb_run_get_run_id (g_ptr_array_index (f->expected, i)), run_id))
      return g_ptr_array_index (f->expected, i);

  g_error ("Run %s is not in the sample", run_id);
  return NULL;
}

static void
select_and_wait (Fixture    *f,
                 const char *run_id)
{
  g_assert_true (rb_window_select_run (f->window, run_id));
  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, run_id);
  rb_test_spin_until (detail_settled, f->detail, 10000, "the run detail");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/*
 * Fixture
 */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  g_autofree char *held = NULL;
  g_autoptr(RbRunStore) store = NULL;
  g_autoptr(GError) error = NULL;

  f->settings = g_settings_new (APP_ID);
  for (guint i = 0; i < G_N_ELEMENTS (settings_keys); i++)
    g_settings_reset (f->settings, settings_keys[i]);
  f->variant = data;
  if (f->variant->setting_off)
    g_settings_set_boolean (f->settings, "telemetry-generation-enabled", FALSE);

  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  rb_test_copy_tree (sample, f->data_dir);
  held = g_build_filename (f->data_dir, "runs", HELD_BACK_RUN, NULL);
  g_assert_true (g_file_test (held, G_FILE_TEST_IS_DIR));
  rb_test_remove_tree (held);

  store = rb_run_store_new (f->data_dir);
  f->expected = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);

  if (f->variant->remote)
    {
      static const char * const disable[] = { "--disable-telemetry-generation", NULL };
      g_autofree char *log_path = g_build_filename (f->tmp, "server.log", NULL);

      f->server = rb_test_server_proc_start (f->data_dir, log_path,
                                             f->variant->backend_off ? disable : NULL, NULL);
      f->backend = RB_BACKEND (rb_remote_backend_new (rb_test_server_proc_get_url (f->server), NULL));
      /* Live updates arrive by polling: poll often. */
      g_object_set (f->backend, "poll-interval-ms", 100, NULL);
    }
  else
    {
      g_setenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION", f->variant->backend_off ? "1" : "", TRUE);
      f->backend = RB_BACKEND (rb_local_backend_new (f->data_dir));
    }
  f->window = rb_window_new (NULL, f->backend, NULL);
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

  while ((dialog = rb_app_test_find_toplevel (ADW_TYPE_WINDOW)) != NULL &&
         dialog != (gpointer) f->window)
    gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (f->window));
  /* Cancelled requests call back, then their worker threads let go. */
  rb_test_assert_finalized_soon (f->window);
  rb_test_assert_finalized_soon (f->backend);

  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  g_setenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION", "", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (settings_keys); i++)
    g_settings_reset (f->settings, settings_keys[i]);
  g_clear_object (&f->settings);

  g_ptr_array_unref (f->expected);
  rb_test_remove_tree (f->tmp);
  g_free (f->data_dir);
  g_free (f->tmp);
}

/*
 * Tests
 */

static void
test_list_order (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(GStrv) ids = listed_ids (f->window);
  g_autoptr(RbRun) last = NULL;
  GListModel *model = rb_window_get_run_list (f->window);

  /* Same runs, same order as core: created, newest first, broken last. */
  g_assert_cmpuint (g_strv_length (ids), ==, f->expected->len);
  for (guint i = 0; i < f->expected->len; i++)
    g_assert_cmpstr (ids[i], ==, rb_run_get_run_id (g_ptr_array_index (f->expected, i)));

  for (guint i = 1; i < f->expected->len; i++)
    {
      g_autoptr(RbRun) a = g_list_model_get_item (model, i - 1);
      g_autoptr(RbRun) b = g_list_model_get_item (model, i);

      if (rb_run_get_diagnostic (a) == NULL && rb_run_get_diagnostic (b) == NULL)
        g_assert_cmpint (rb_run_get_created_unix (a), >=, rb_run_get_created_unix (b));
    }
  last = g_list_model_get_item (model, f->expected->len - 1);
  g_assert_nonnull (rb_run_get_diagnostic (last));

  /* Every run has a row on screen, and the header counts them. */
  g_assert_cmpuint (count_bound_rows (GTK_WIDGET (f->window)), ==, f->expected->len);
  {
    g_autofree char *subtitle = g_strdup_printf ("%u runs", f->expected->len);

    assert_has_label (GTK_WIDGET (f->window), f->variant->remote ? "127.0.0.1" : "Local");
    assert_has_label (GTK_WIDGET (f->window), subtitle);
  }

  /* A row's title and subtitle have tooltips (the whole title, the run
   * id), given when asked for. */
  {
    GtkWidget *row = rb_app_test_find_widget (GTK_WIDGET (f->window), RB_TYPE_RUN_ROW);
    GtkWidget *title = rb_app_test_find_widget (row, GTK_TYPE_LABEL);
    g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    gboolean shown = FALSE;

    g_assert_true (gtk_widget_get_has_tooltip (title));
    g_signal_emit_by_name (title, "query-tooltip", 0, 0, FALSE, tooltip, &shown);
    g_assert_true (shown);
  }

  /* Nothing selected yet. */
  g_assert_null (rb_window_get_selected_run_id (f->window));
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "empty");
  assert_has_label (GTK_WIDGET (f->detail), "Select a Run");
}

static void
test_select_fills_detail (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *detail = GTK_WIDGET (f->detail);

  select_and_wait (f, SAMPLE_RUN);
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "run");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_detail_get_run (f->detail)), ==, SAMPLE_RUN);

  assert_has_label (detail, SAMPLE_RUN_TITLE);
  assert_has_label (detail, SAMPLE_RUN_VERSION);
  assert_has_label (detail, SAMPLE_RUN);
  assert_has_label (detail, "Simulation");
  assert_has_label (detail, SAMPLE_RUN_GRID);
  assert_has_label (detail, SAMPLE_RUN_SEED);
  assert_has_label (detail, SAMPLE_RUN_PARAM_NAME);
  assert_has_label (detail, SAMPLE_RUN_PARAM_VALUE);
  assert_has_label (detail, "Telemetry");
  assert_has_label (detail, "Run Warnings");
}

static void
test_replay_lineage (Fixture       *f,
                     gconstpointer  data)
{
  RbRun *replay = expected_run (f, SAMPLE_REPLAY);
  const char *source = rb_run_get_source_run_id (replay);
  g_autofree char *line = NULL;
  GtkWidget *row;

  g_assert_nonnull (source);
  select_and_wait (f, SAMPLE_REPLAY);
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "run");

  /* "Replay from model of <run>", clickable to select that run. */
  line = g_strdup_printf ("Replay from %s of ", rb_run_get_source_kind (replay));
  row = find_row_titled (GTK_WIDGET (f->detail), line);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (row));

  adw_action_row_activate (ADW_ACTION_ROW (row));
  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, source);
  rb_test_spin_until (detail_settled, f->detail, 10000, "the source run detail");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_detail_get_run (f->detail)), ==, source);
}

static void
test_broken_run (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *model = rb_window_get_run_list (f->window);
  g_autoptr(RbRun) broken = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);

  g_assert_nonnull (rb_run_get_diagnostic (broken));
  select_and_wait (f, rb_run_get_run_id (broken));

  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "problem");
  assert_has_label (GTK_WIDGET (f->detail), "Can't Read This Run");
  /* The row shows the diagnostic too. */
  assert_has_label (GTK_WIDGET (f->window), rb_run_get_diagnostic (broken));
}

static gboolean
list_has_n (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (rb_window_get_run_list (args[0])) == GPOINTER_TO_UINT (args[1]);
}

static void
test_search_filters (Fixture       *f,
                     gconstpointer  data)
{
  /* The window's search bar (the node picker's popover has an entry too). */
  GtkWidget *bar = rb_app_test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SEARCH_BAR);
  GtkWidget *entry = bar != NULL ? rb_app_test_find_widget (bar, GTK_TYPE_SEARCH_ENTRY) : NULL;
  RbRunQuery query;
  guint n_matching = 0;
  gpointer args[2];

  rb_run_query_init (&query);
  query.search = g_strdup (SAMPLE_SEARCH);
  for (guint i = 0; i < f->expected->len; i++)
    if (rb_run_query_matches (&query, g_ptr_array_index (f->expected, i)))
      n_matching++;
  rb_run_query_clear (&query);
  g_assert_cmpuint (n_matching, >, 0);
  g_assert_cmpuint (n_matching, <, f->expected->len);

  g_assert_nonnull (entry);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.search", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), SAMPLE_SEARCH);

  args[0] = f->window;
  args[1] = GUINT_TO_POINTER (n_matching);
  rb_test_spin_until (list_has_n, args, 5000, "the search to filter the list");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpuint (count_bound_rows (GTK_WIDGET (f->window)), ==, n_matching);

  /* Nothing matches: a status page says so. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "no-such-run-anywhere");
  args[1] = GUINT_TO_POINTER (0);
  rb_test_spin_until (list_has_n, args, 5000, "the search to empty the list");
  assert_has_label (GTK_WIDGET (f->window), "No Matching Runs");

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  args[1] = GUINT_TO_POINTER (f->expected->len);
  rb_test_spin_until (list_has_n, args, 5000, "the search to clear");
}

static void
test_new_run_appears (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", "runs", HELD_BACK_RUN, NULL);
  g_autofree char *dest = g_build_filename (f->data_dir, "runs", HELD_BACK_RUN, NULL);
  g_autoptr(GError) error = NULL;
  gpointer args[2];

  select_and_wait (f, SAMPLE_RUN);

  rb_test_copy_tree (sample, dest);
  g_assert_true (rb_data_dir_touch_stamp (f->data_dir, &error));
  g_assert_no_error (error);

  args[0] = f->window;
  args[1] = GUINT_TO_POINTER (f->expected->len + 1);
  rb_test_spin_until (list_has_n, args, 10000, "the new run to appear");
  rb_test_spin_until (window_loaded, f->window, 10000, "the reload");

  {
    g_auto(GStrv) ids = listed_ids (f->window);

    g_assert_true (g_strv_contains ((const char * const *) ids, HELD_BACK_RUN));
  }

  /* The selection survived the reload, and so did the detail. */
  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, SAMPLE_RUN);
  rb_test_spin_until (detail_settled, f->detail, 10000, "the run detail");
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "run");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_detail_get_run (f->detail)), ==, SAMPLE_RUN);
}

static void
on_created_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  JsonNode **out = user_data;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  *out = rb_backend_create_run_finish (RB_BACKEND (object), result, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
}

static gboolean
node_set (gpointer data)
{
  return *(JsonNode **) data != NULL;
}

/* Another client creates a run (through the server for REMOTE, through its
 * own backend on the folder for LOCAL) while a run is selected: the new
 * run shows up, the selection and its detail stay. */
static void
test_selection_survives_other_client (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(RbBackend) other = NULL;
  g_autoptr(JsonNode) request = rb_run_request_replay_body (SAMPLE_RUN, "model", FALSE);
  g_autoptr(JsonNode) created = NULL;
  const char *new_id;
  gpointer args[2];

  if (f->variant->remote)
    other = RB_BACKEND (rb_remote_backend_new (rb_test_server_proc_get_url (f->server), NULL));
  else
    other = RB_BACKEND (rb_local_backend_new (f->data_dir));

  select_and_wait (f, SAMPLE_REPLAY);
  rb_backend_create_run_async (other, request, NULL, on_created_cb, &created);
  rb_test_spin_until (node_set, &created, 30000, "the other client's run");
  new_id = json_object_get_string_member (json_node_get_object (created), "runId");
  g_assert_nonnull (new_id);

  args[0] = f->window;
  args[1] = GUINT_TO_POINTER (f->expected->len + 1);
  rb_test_spin_until (list_has_n, args, 10000, "the other client's run to appear");
  rb_test_spin_until (window_loaded, f->window, 10000, "the reload");
  {
    g_auto(GStrv) ids = listed_ids (f->window);

    g_assert_true (g_strv_contains ((const char * const *) ids, new_id));
  }

  g_assert_cmpstr (rb_window_get_selected_run_id (f->window), ==, SAMPLE_REPLAY);
  rb_test_spin_until (detail_settled, f->detail, 10000, "the run detail");
  g_assert_cmpstr (rb_run_detail_get_state (f->detail), ==, "run");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_detail_get_run (f->detail)), ==, SAMPLE_REPLAY);
  g_assert_cmpuint (count_bound_rows (GTK_WIDGET (f->window)), ==, f->expected->len + 1);
}

/* Activates the window's keyboard shortcut @keyval + @modifiers the way a
 * key press would (its GtkShortcut's action on the window); fails when the
 * window has no such shortcut. */
static void
press_shortcut (RbWindow        *window,
                guint            keyval,
                GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !found; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            {
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                            GTK_WIDGET (window), gtk_shortcut_get_arguments (shortcut));
              found = TRUE;
            }
        }
    }

  if (!found)
    g_error ("The window has no shortcut for %s", gdk_keyval_name (keyval));

  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Ctrl+Shift+G opens the Generate dialog when generation is allowed (the
 * same path the flag-off tests show to be inert). */
static void
test_generation_shortcut (Fixture       *f,
                          gconstpointer  data)
{
  RbGenerateDialog *dialog;

  select_and_wait (f, SAMPLE_RUN);
  g_assert_true (rb_run_detail_get_generation_allowed (f->detail));
  g_assert_null (find_generate_dialog ());

  press_shortcut (f->window, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  dialog = find_generate_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (rb_generate_dialog_get_run_id (dialog), ==, SAMPLE_RUN);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The backend refuses generation (a server started with
 * --disable-telemetry-generation, or RUNBOARD_DISABLE_TELEMETRY_GENERATION=1
 * for the local folder): with the setting on, the app hides it all the
 * same, and flipping the setting does not bring it back. */
static void
test_generation_disabled_by_backend (Fixture       *f,
                                     gconstpointer  data)
{
  GtkWidget *detail = GTK_WIDGET (f->detail);
  GtkWidget *generate;
  GtkWidget *replay;

  g_assert_true (g_settings_get_boolean (f->settings, "telemetry-generation-enabled"));
  select_and_wait (f, SAMPLE_RUN);
  g_assert_false (rb_run_detail_get_generation_allowed (f->detail));

  generate = rb_app_test_find_button (detail, "_Generate Telemetry…");
  g_assert_nonnull (generate);
  g_assert_false (shown (generate));
  g_assert_false (gtk_widget_get_sensitive (generate));
  g_assert_false (shown (rb_app_test_find_button (detail, "Generate…")));

  press_shortcut (f->window, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_null (find_generate_dialog ());
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate-telemetry", NULL);
  g_assert_null (find_generate_dialog ());

  replay = rb_app_test_find_button (detail, "Replay from _Telemetry");
  g_assert_false (gtk_widget_get_sensitive (replay));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (replay), ==, "This run has no telemetry bundle");

  /* The setting off and on again: the backend still says no. */
  g_settings_set_boolean (f->settings, "telemetry-generation-enabled", FALSE);
  g_settings_set_boolean (f->settings, "telemetry-generation-enabled", TRUE);
  rb_test_spin_until (window_loaded, f->window, 10000, "the capabilities");
  g_assert_false (rb_run_detail_get_generation_allowed (f->detail));
  g_assert_false (shown (generate));
  press_shortcut (f->window, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_null (find_generate_dialog ());
}

static void
test_generation_flag_off (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *detail = GTK_WIDGET (f->detail);
  GtkWidget *generate;

  select_and_wait (f, SAMPLE_RUN);
  g_assert_false (rb_run_detail_get_generation_allowed (f->detail));

  /* No Generate button anywhere, and the action is disabled. */
  generate = rb_app_test_find_button (detail, "_Generate Telemetry…");
  g_assert_nonnull (generate);
  g_assert_false (shown (generate));
  g_assert_false (gtk_widget_get_sensitive (generate));
  g_assert_false (shown (rb_app_test_find_button (detail, "Generate…")));

  /* Its shortcut, or activating it any other way, opens nothing. */
  press_shortcut (f->window, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_null (find_generate_dialog ());
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate-telemetry", NULL);
  g_assert_null (find_generate_dialog ());

  /* Replay from Telemetry says why it cannot run, without offering
   * generation. */
  {
    GtkWidget *replay = rb_app_test_find_button (detail, "Replay from _Telemetry");

    g_assert_false (gtk_widget_get_sensitive (replay));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (replay), ==, "This run has no telemetry bundle");
  }

  /* Turning the setting on offers it again. */
  g_settings_set_boolean (f->settings, "telemetry-generation-enabled", TRUE);
  rb_test_spin_until ((gboolean (*) (gpointer)) rb_run_detail_get_generation_allowed, f->detail, 5000,
                 "generation to be allowed");
  g_assert_true (shown (generate));
  g_assert_true (gtk_widget_get_sensitive (generate));
}

static void
test_replay_telemetry_after_generation (Fixture       *f,
                                        gconstpointer  data)
{
  GtkWidget *detail = GTK_WIDGET (f->detail);
  GtkWidget *replay;
  RbGenerateDialog *dialog;

  select_and_wait (f, SAMPLE_RUN);
  g_assert_true (rb_run_detail_get_generation_allowed (f->detail));

  /* No telemetry yet: insensitive, with the reason and a way out. */
  replay = rb_app_test_find_button (detail, "Replay from _Telemetry");
  g_assert_nonnull (replay);
  g_assert_false (gtk_widget_get_sensitive (replay));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (replay), ==, "Generate telemetry for this run first");
  g_assert_true (shown (rb_app_test_find_button (detail, "Generate…")));
  g_assert_true (gtk_widget_get_sensitive (rb_app_test_find_button (detail, "_Generate Telemetry…")));

  /* The dialog: the sample's template is not in the catalogue, so no key
   * is prefilled: the bundle is stored with the run. */
  dialog = open_generate_dialog (f);
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "ready");
  g_assert_cmpstr (rb_generate_dialog_get_capture_key (dialog), ==, "");
  g_assert_null (click_and_wait (dialog, "_Generate"));

  /* Right after: the detail says so and the action is sensitive. */
  rb_test_spin_until (telemetry_shown, f->detail, 10000, "the detail to show the telemetry");
  g_assert_true (gtk_widget_get_sensitive (replay));
  g_assert_null (gtk_widget_get_tooltip_text (replay));
  g_assert_false (shown (rb_app_test_find_button (detail, "Generate…")));
  assert_has_label (detail, "Yes");
}

static void
test_generate_conflict_overwrite (Fixture       *f,
                                  gconstpointer  data)
{
  RbGenerateDialog *dialog;
  GtkWidget *overwrite;

  select_and_wait (f, SAMPLE_RUN);

  dialog = open_generate_dialog (f);
  rb_generate_dialog_set_capture_key (dialog, "a1-test-key");
  g_assert_null (click_and_wait (dialog, "_Generate"));

  /* The same key again: 409, explained, with Overwrite offered. */
  dialog = open_generate_dialog (f);
  rb_generate_dialog_set_capture_key (dialog, "a1-test-key");
  dialog = click_and_wait (dialog, "_Generate");
  g_assert_nonnull (dialog);
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "conflict");
  g_assert_nonnull (strstr (rb_generate_dialog_get_message (dialog),
                            "A telemetry bundle with the key “a1-test-key” already exists."));
  g_assert_nonnull (strstr (rb_generate_dialog_get_message (dialog), "Overwrite it, or choose another key."));
  assert_has_label (GTK_WIDGET (dialog), rb_generate_dialog_get_message (dialog));
  overwrite = rb_app_test_find_button (GTK_WIDGET (dialog), "_Overwrite");
  g_assert_nonnull (overwrite);
  g_assert_true (gtk_widget_has_css_class (overwrite, "destructive-action"));
  assert_no_path (GTK_WIDGET (dialog), f->tmp);

  /* Choosing another key dismisses the prompt. */
  g_signal_emit_by_name (rb_app_test_find_button (GTK_WIDGET (dialog), "Choose _Another Key"), "clicked");
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "ready");
  g_assert_false (shown (overwrite));

  /* Generate again, and this time overwrite: it succeeds. */
  dialog = click_and_wait (dialog, "_Generate");
  g_assert_nonnull (dialog);
  g_assert_cmpstr (rb_generate_dialog_get_state (dialog), ==, "conflict");
  g_assert_null (click_and_wait (dialog, "_Overwrite"));
}

static gboolean
selected_other_than (gpointer data)
{
  gpointer *args = data;
  const char *selected = rb_window_get_selected_run_id (args[0]);

  return selected != NULL && g_strcmp0 (selected, args[1]) != 0 &&
         g_strcmp0 (rb_run_detail_get_state (args[2]), "run") == 0;
}

static void
test_replay_selects_new_run (Fixture       *f,
                             gconstpointer  data)
{
  gpointer args[3] = { f->window, (gpointer) SAMPLE_RUN, f->detail };
  RbRun *run;
  GtkWidget *row;

  select_and_wait (f, SAMPLE_RUN);
  g_assert_true (gtk_widget_get_sensitive (rb_app_test_find_button (GTK_WIDGET (f->detail), "Replay from _Model")));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.replay-model", NULL);
  rb_test_spin_until (selected_other_than, args, 30000, "the replay to be selected");

  run = rb_run_detail_get_run (f->detail);
  g_assert_cmpstr (rb_run_get_source_run_id (run), ==, SAMPLE_RUN);
  g_assert_cmpstr (rb_run_get_source_kind (run), ==, "model");
  row = find_row_titled (GTK_WIDGET (f->detail), "Replay from model of 0d9c8b7a");
  g_assert_nonnull (row);
  g_assert_true (shown (row));
}

/* The list equals core's answer for @query: same runs, same order. */
static gboolean
list_matches_query (gpointer data)
{
  gpointer *args = data;
  Fixture *f = args[0];
  RbRunQuery *query = args[1];
  g_autoptr(GPtrArray) want = g_ptr_array_new ();
  g_auto(GStrv) ids = listed_ids (f->window);

  for (guint i = 0; i < f->expected->len; i++)
    if (rb_run_query_matches (query, g_ptr_array_index (f->expected, i)))
      g_ptr_array_add (want, g_ptr_array_index (f->expected, i));

  for (guint i = 1; i < want->len; i++)
    for (guint j = i; j > 0 && rb_run_compare (g_ptr_array_index (want, j - 1), g_ptr_array_index (want, j),
                                               query->sort, query->descending) > 0; j--)
      {
        gpointer tmp = want->pdata[j];

        want->pdata[j] = want->pdata[j - 1];
        want->pdata[j - 1] = tmp;
      }

  if (g_strv_length (ids) != want->len)
    return FALSE;
  for (guint i = 0; i < want->len; i++)
    if (g_strcmp0 (ids[i], rb_run_get_run_id (g_ptr_array_index (want, i))) != 0)
      return FALSE;

  return TRUE;
}

static void
test_filters_and_sort (Fixture       *f,
                       gconstpointer  data)
{
  RbRunQuery query;
  gpointer args[2] = { f, &query };

  rb_run_query_init (&query);
  query.sort = RB_RUN_SORT_CREATED;
  query.descending = TRUE;
  g_assert_true (list_matches_query (args));

  /* Through the menu's actions, as a user would. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "settings.list-filter-mode", "s", "telemetry");
  query.mode = g_strdup ("telemetry");
  rb_test_spin_until (list_matches_query, args, 5000, "the mode filter");
  g_assert_cmpuint (g_list_model_get_n_items (rb_window_get_run_list (f->window)), ==, 1);

  g_settings_reset (f->settings, "list-filter-mode");
  g_clear_pointer (&query.mode, g_free);
  g_settings_set_enum (f->settings, "list-filter-telemetry", 1);
  query.telemetry = RB_TRISTATE_YES;
  rb_test_spin_until (list_matches_query, args, 5000, "the telemetry filter");
  g_assert_cmpuint (g_list_model_get_n_items (rb_window_get_run_list (f->window)), >, 0);

  g_settings_set_enum (f->settings, "list-filter-telemetry", 2);
  query.telemetry = RB_TRISTATE_NO;
  rb_test_spin_until (list_matches_query, args, 5000, "the missing-telemetry filter");

  g_settings_reset (f->settings, "list-filter-telemetry");
  query.telemetry = RB_TRISTATE_ANY;
  gtk_widget_activate_action (GTK_WIDGET (f->window), "settings.list-filter-warnings", NULL);
  query.has_warnings = RB_TRISTATE_YES;
  rb_test_spin_until (list_matches_query, args, 5000, "the warnings filter");
  g_assert_cmpuint (g_list_model_get_n_items (rb_window_get_run_list (f->window)), ==, 1);

  g_settings_reset (f->settings, "list-filter-warnings");
  query.has_warnings = RB_TRISTATE_ANY;
  gtk_widget_activate_action (GTK_WIDGET (f->window), "settings.list-sort", "s", "template");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "settings.list-sort-descending", NULL);
  query.sort = RB_RUN_SORT_TEMPLATE;
  query.descending = FALSE;
  rb_test_spin_until (list_matches_query, args, 5000, "the template order");
  g_assert_cmpuint (g_list_model_get_n_items (rb_window_get_run_list (f->window)), ==, f->expected->len);

  rb_run_query_clear (&query);
}

/* Every text of @root (window or dialog) is free of paths; the walk saw
 * some texts. */
static void
assert_no_path_anywhere (Fixture    *f,
                         GtkWidget  *root,
                         GtkWidget  *exempt)
{
  gtk_test_widget_wait_for_draw (root);
  g_assert_cmpuint (rb_app_test_assert_no_path (root, f->tmp, exempt), >, 5);
}

static void
test_never_a_path (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *model = rb_window_get_run_list (f->window);

  assert_no_path_anywhere (f, GTK_WIDGET (f->window), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RbRun) run = g_list_model_get_item (model, i);

      select_and_wait (f, rb_run_get_run_id (run));
      assert_no_path_anywhere (f, GTK_WIDGET (f->window), NULL);
    }
}

static gboolean
new_run_settled (gpointer data)
{
  const char *state = rb_new_run_dialog_get_state (data);

  return !g_str_equal (state, "loading") && !g_str_equal (state, "running");
}

/* The window and each dialog it opens (Generate, its 409 prompt, New Run
 * with its 422 message, Preferences): no label, tooltip, title or text
 * field shows the data folder or any absolute path, except the
 * Preferences data folder row, which shows the folder the user picked. */
static void
test_never_a_path_in_dialogs (Fixture       *f,
                              gconstpointer  data)
{
  RbGenerateDialog *generate;
  RbNewRunDialog *new_run;
  RbPreferencesWindow *preferences;
  GtkWidget *folder_row;

  g_settings_set_string (f->settings, "data-directory", f->data_dir);
  select_and_wait (f, SAMPLE_RUN);
  assert_no_path_anywhere (f, GTK_WIDGET (f->window), NULL);

  /* Generate, then the 409 prompt. */
  generate = open_generate_dialog (f);
  assert_no_path_anywhere (f, GTK_WIDGET (generate), NULL);
  rb_generate_dialog_set_capture_key (generate, "never-a-path");
  g_assert_null (click_and_wait (generate, "_Generate"));
  rb_test_spin_until (telemetry_shown, f->detail, 10000, "the detail to show the telemetry");
  assert_no_path_anywhere (f, GTK_WIDGET (f->window), NULL);

  generate = open_generate_dialog (f);
  rb_generate_dialog_set_capture_key (generate, "never-a-path");
  generate = click_and_wait (generate, "_Generate");
  g_assert_nonnull (generate);
  g_assert_cmpstr (rb_generate_dialog_get_state (generate), ==, "conflict");
  assert_no_path_anywhere (f, GTK_WIDGET (generate), NULL);
  gtk_window_destroy (GTK_WINDOW (generate));

  /* New Run: its form, then a 422 (telemetry mode without a bundle for
   * the template's key). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-run", NULL));
  new_run = rb_app_test_find_toplevel (RB_TYPE_NEW_RUN_DIALOG);
  g_assert_nonnull (new_run);
  rb_test_spin_until (new_run_settled, new_run, 10000, "the templates");
  g_assert_true (rb_new_run_dialog_select_template (new_run, "call-centre-intraday"));
  rb_test_spin_until (new_run_settled, new_run, 10000, "the template's parameters");
  g_assert_cmpstr (rb_new_run_dialog_get_state (new_run), ==, "ready");
  assert_no_path_anywhere (f, GTK_WIDGET (new_run), NULL);
  rb_new_run_dialog_set_mode (new_run, "telemetry");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (new_run), "dialog.run", NULL));
  rb_test_spin_until (new_run_settled, new_run, 20000, "the answer");
  g_assert_cmpstr (rb_new_run_dialog_get_state (new_run), ==, "error");
  assert_no_path_anywhere (f, GTK_WIDGET (new_run), NULL);
  gtk_window_destroy (GTK_WINDOW (new_run));

  /* Preferences: the folder row shows the folder (the exemption is real),
   * nothing else does. */
  preferences = rb_preferences_window_new (GTK_WINDOW (f->window), f->settings);
  gtk_window_present (GTK_WINDOW (preferences));
  folder_row = rb_app_test_find_row (GTK_WIDGET (preferences), "Data Folder", FALSE);
  g_assert_nonnull (folder_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (folder_row)), ==, f->data_dir);
  g_assert_true (rb_app_test_text_has_path (adw_action_row_get_subtitle (ADW_ACTION_ROW (folder_row)), NULL));
  assert_no_path_anywhere (f, GTK_WIDGET (preferences), folder_row);
  gtk_window_destroy (GTK_WINDOW (preferences));

  assert_no_path_anywhere (f, GTK_WIDGET (f->window), NULL);
}

/* The path detector the walks rely on. */
static void
test_path_detector (void)
{
  static const char * const paths[] = {
    "/tmp/runboard-test-x/data", "Can't read “/home/ana/runs”", "see /var/lib/runboard",
    "(/srv/data)", "/x",
  };
  static const char * const not_paths[] = {
    "http://127.0.0.1:8081/", "<b>Run</b>", "288 bins × 5 min", "km/h", "series/x.csv",
    "run.json", "Queue depth / capacity", "", "Replay from model of 0d9c8b7a",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (!rb_app_test_text_has_path (paths[i], NULL))
      g_error ("«%s» is a path", paths[i]);
  for (guint i = 0; i < G_N_ELEMENTS (not_paths); i++)
    if (rb_app_test_text_has_path (not_paths[i], NULL))
      g_error ("«%s» is not a path", not_paths[i]);
  g_assert_true (rb_app_test_text_has_path ("a runboard-test-AB12CD folder", "/tmp/runboard-test-AB12CD"));
}

static gboolean
series_loaded (gpointer data)
{
  return !rb_run_detail_get_series_loading (data);
}

/* The node picker lists @run's topology nodes in order; picks @node_id
 * and waits for its series. */
static void
pick_node (Fixture    *f,
           RbRun      *run,
           const char *node_id)
{
  GtkDropDown *picker = GTK_DROP_DOWN (rb_app_test_find_widget (GTK_WIDGET (f->detail), GTK_TYPE_DROP_DOWN));
  GListModel *model;
  GPtrArray *topology;
  guint position = GTK_INVALID_LIST_POSITION;

  g_assert_nonnull (picker);
  g_assert_true (shown (GTK_WIDGET (picker)));
  g_assert_true (rb_run_ensure_detail (run));
  topology = rb_run_get_topology (run);
  g_assert_nonnull (topology);
  model = gtk_drop_down_get_model (picker);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, topology->len);
  for (guint i = 0; i < topology->len; i++)
    {
      const RbTopologyNode *node = g_ptr_array_index (topology, i);
      const char *listed = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      g_assert_cmpstr (listed, ==, node->id);
      if (g_str_equal (node->id, node_id))
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);

  gtk_drop_down_set_selected (picker, position);
  rb_test_spin_until (series_loaded, f->detail, 10000, "the node's series");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
test_series_chart (Fixture       *f,
                   gconstpointer  data)
{
  RbRun *replay = expected_run (f, SAMPLE_REPLAY);
  RbRun *run = expected_run (f, SAMPLE_RUN);
  RbSeriesChart *chart;
  g_autofree char *readout = NULL;
  g_autofree char *source_line = NULL;
  g_autofree char *source_short = NULL;

  /* A replay: its own series, and its source run's dashed over them. */
  select_and_wait (f, SAMPLE_REPLAY);
  chart = RB_SERIES_CHART (rb_app_test_find_widget (GTK_WIDGET (f->detail), RB_TYPE_SERIES_CHART));
  g_assert_nonnull (chart);
  g_assert_true (shown (GTK_WIDGET (chart)));
  assert_has_label (GTK_WIDGET (f->detail), "Series");

  pick_node (f, replay, "HubQueue");
  g_assert_cmpuint (rb_series_chart_get_n_bins (chart), ==, 48);
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_ARRIVALS));
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_SERVED));
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_ERRORS));
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_QUEUE_DEPTH));
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_CAPACITY));
  g_assert_false (rb_series_chart_has_metric (chart, RB_METRIC_EXTERNAL_DEMAND));
  /* 30-minute bins from an unknown start: bin 2 is an hour in. */
  readout = rb_series_chart_describe_bin (chart, 2);
  g_assert_nonnull (readout);
  g_assert_true (g_str_has_prefix (readout, "Bin 2 · "));
  g_assert_nonnull (strstr (readout, "Arrivals "));
  g_assert_nonnull (strstr (readout, "(source "));
  source_short = rb_format_short_run_id (rb_run_get_source_run_id (replay));
  source_line = g_strdup_printf ("Dashed lines: the source run %s", source_short);
  assert_has_label (GTK_WIDGET (f->detail), source_line);
  /* The toggles are the chart's legend: one per metric the node has. */
  assert_has_label (GTK_WIDGET (f->detail), "Queue depth");
  g_assert_false (has_label (GTK_WIDGET (f->detail), "External demand"));
  assert_no_path (GTK_WIDGET (f->window), f->tmp);

  /* A source node: arrivals and served only. */
  pick_node (f, replay, "OriginNorth");
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_ARRIVALS));
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_SERVED));
  g_assert_false (rb_series_chart_has_metric (chart, RB_METRIC_QUEUE_DEPTH));
  g_assert_false (has_label (GTK_WIDGET (f->detail), "Queue depth"));

  /* Turning a metric off hides it from the read-out. */
  g_object_set (chart, "show-arrivals", FALSE, NULL);
  g_clear_pointer (&readout, g_free);
  readout = rb_series_chart_describe_bin (chart, 0);
  g_assert_null (strstr (readout, "Arrivals"));
  g_object_set (chart, "show-arrivals", TRUE, NULL);

  /* Not a replay: no overlay, no caption. */
  select_and_wait (f, SAMPLE_RUN);
  rb_test_spin_until (series_loaded, f->detail, 10000, "the run's series");
  g_assert_true (rb_run_ensure_detail (run));
  pick_node (f, run, ((RbTopologyNode *) g_ptr_array_index (rb_run_get_topology (run), 0))->id);
  g_assert_cmpuint (rb_series_chart_get_n_bins (chart), ==, 288);
  g_clear_pointer (&readout, g_free);
  readout = rb_series_chart_describe_bin (chart, 0);
  g_assert_nonnull (readout);
  g_assert_null (strstr (readout, "(source "));
  g_assert_false (has_label (GTK_WIDGET (f->detail), source_line));
  assert_no_path (GTK_WIDGET (f->window), f->tmp);
}

/* A run without topology: the Series section says so, no picker. */
static void
test_series_no_topology (void)
{
  RbRunDetail *detail = RB_RUN_DETAIL (rb_run_detail_new ());
  GtkWidget *window = gtk_window_new ();
  g_autoptr(JsonNode) node = json_from_string ("{\"runId\": \"run_20261123T110000Z_0d9c8b7a\", "
                                               "\"templateId\": \"it-system\", \"mode\": \"simulation\"}",
                                               NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = rb_run_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (detail));
  gtk_window_present (GTK_WINDOW (window));

  rb_run_detail_show_run (detail, run);
  g_assert_cmpstr (rb_run_detail_get_state (detail), ==, "run");
  g_assert_false (rb_run_detail_get_series_loading (detail));
  gtk_test_widget_wait_for_draw (window);
  assert_has_label (GTK_WIDGET (detail), "This run has no topology, so there are no series to chart.");
  g_assert_false (shown (rb_app_test_find_widget (GTK_WIDGET (detail), GTK_TYPE_DROP_DOWN)));
  g_assert_false (shown (rb_app_test_find_widget (GTK_WIDGET (detail), RB_TYPE_SERIES_CHART)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_remote_not_supported (void)
{
  RbWindow *window = rb_window_new (NULL, NULL, "http://runs.example.org:8081");

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  assert_has_label (GTK_WIDGET (window), "Can't Reach Server");
  assert_has_label (GTK_WIDGET (window), "runs.example.org");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static gboolean
status_page_titled (gpointer data)
{
  return rb_app_test_has_label (GTK_WIDGET (data), "No Runs Yet");
}

/* app.md: an empty data folder shows "No Runs Yet" with a New Run button,
 * and that button opens the New Run dialog. */
static void
test_no_runs_yet (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autoptr(RbBackend) backend = RB_BACKEND (rb_local_backend_new (tmp));
  RbWindow *window = rb_window_new (NULL, backend, NULL);
  GtkWidget *button;
  RbNewRunDialog *new_run;

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  rb_test_spin_until (status_page_titled, window, 10000, "the No Runs Yet page");

  button = rb_app_test_find_button (GTK_WIDGET (window), "_New Run…");
  g_assert_nonnull (button);
  g_assert_true (rb_app_test_shown (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_null (rb_app_test_find_toplevel (RB_TYPE_NEW_RUN_DIALOG));
  g_signal_emit_by_name (button, "clicked");
  new_run = rb_app_test_find_toplevel (RB_TYPE_NEW_RUN_DIALOG);
  g_assert_nonnull (new_run);

  gtk_window_destroy (GTK_WINDOW (new_run));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  rb_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: it hides XDG_DATA_DIRS, so GTK finds no
   * icon theme nor MIME data and warns (fatally) on every icon. Settings are
   * isolated by GSETTINGS_BACKEND=memory; the data folder is a temp copy. */
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  /* Each test over both backends. */
#define ADD(path, fn) \
  g_test_add ("/app/window/local/" path, Fixture, &local_variant, fixture_setup, fn, fixture_teardown); \
  g_test_add ("/app/window/remote/" path, Fixture, &remote_variant, fixture_setup, fn, fixture_teardown)
  ADD ("list-order", test_list_order);
  ADD ("select-fills-detail", test_select_fills_detail);
  ADD ("replay-lineage", test_replay_lineage);
  ADD ("broken-run", test_broken_run);
  ADD ("search-filters", test_search_filters);
  ADD ("new-run-appears", test_new_run_appears);
  ADD ("selection-survives-other-client", test_selection_survives_other_client);
  ADD ("never-a-path", test_never_a_path);
  ADD ("never-a-path-in-dialogs", test_never_a_path_in_dialogs);
  ADD ("replay-telemetry-after-generation", test_replay_telemetry_after_generation);
  ADD ("generate-conflict-overwrite", test_generate_conflict_overwrite);
  ADD ("replay-selects-new-run", test_replay_selects_new_run);
  ADD ("filters-and-sort", test_filters_and_sort);
  ADD ("series-chart", test_series_chart);
  ADD ("generation-shortcut", test_generation_shortcut);
#undef ADD
  g_test_add ("/app/window/local/generation-flag-off", Fixture, &local_setting_off,
              fixture_setup, test_generation_flag_off, fixture_teardown);
  g_test_add ("/app/window/remote/generation-flag-off", Fixture, &remote_setting_off,
              fixture_setup, test_generation_flag_off, fixture_teardown);
  g_test_add ("/app/window/local/generation-disabled-by-backend", Fixture, &local_backend_off,
              fixture_setup, test_generation_disabled_by_backend, fixture_teardown);
  g_test_add ("/app/window/remote/generation-disabled-by-backend", Fixture, &remote_backend_off,
              fixture_setup, test_generation_disabled_by_backend, fixture_teardown);
  g_test_add_func ("/app/window/remote-not-supported", test_remote_not_supported);
  g_test_add_func ("/app/window/no-runs-yet", test_no_runs_yet);
  g_test_add_func ("/app/window/series-no-topology", test_series_no_topology);
  g_test_add_func ("/app/window/path-detector", test_path_detector);

  return g_test_run ();
}
