/* test-new-run.c — the New Run dialog and Preferences over a temp copy of
 * the sample data, with the shipped templates (RUNBOARD_TEMPLATE_DIR)
 *
 * Every test runs twice: /app/new-run/local/… over RbLocalBackend on the
 * temp folder, /app/new-run/remote/… over RbRemoteBackend talking to a
 * real runboard-server on that folder.
 *
 * Needs a display: prints a TAP skip-all without one (run under xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "rb-app-test-util.h"
#include "rb-local-backend.h"
#include "rb-new-run-dialog.h"
#include "rb-preferences-window.h"
#include "rb-remote-backend.h"
#include "rb-run-detail.h"
#include "rb-template.h"
#include "rb-test-util.h"
#include "rb-window.h"

#define TEMPLATE_ID "call-centre-intraday"

/* Fixture data: the same tests over a local backend or a real server. */
#define LOCAL  GINT_TO_POINTER (0)
#define REMOTE GINT_TO_POINTER (1)

typedef struct
{
  GSettings      *settings;
  char           *tmp;
  char           *data_dir;
  RbTestServerProc *server;   /* REMOTE: runboard-server on data_dir */
  RbBackend      *backend;
  RbWindow       *window;
} Fixture;

static gboolean
window_loaded (gpointer data)
{
  return !rb_window_get_loading (data);
}

static gboolean
dialog_settled (gpointer data)
{
  const char *state = rb_new_run_dialog_get_state (data);

  return !g_str_equal (state, "loading") && !g_str_equal (state, "running");
}

static guint
count_runs (Fixture *f)
{
  g_autofree char *runs = g_build_filename (f->data_dir, "runs", NULL);

  /* Run folders only (the store keeps other entries there too). */
  return rb_test_count_entries (runs, "run_");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);

  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "telemetry-generation-enabled");

  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  rb_test_copy_tree (sample, f->data_dir);

  if (data == REMOTE)
    {
      g_autofree char *log_path = g_build_filename (f->tmp, "server.log", NULL);

      f->server = rb_test_server_proc_start (f->data_dir, log_path, NULL, NULL);
      f->backend = RB_BACKEND (rb_remote_backend_new (rb_test_server_proc_get_url (f->server), NULL));
    }
  else
    {
      f->backend = RB_BACKEND (rb_local_backend_new (f->data_dir));
    }
  f->window = rb_window_new (NULL, f->backend, NULL);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));

  rb_test_spin_until (window_loaded, f->window, 10000, "the run list");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  rb_test_assert_finalized_soon (f->window);
  rb_test_assert_finalized_soon (f->backend);
  g_clear_pointer (&f->server, rb_test_server_proc_stop);

  g_settings_reset (f->settings, "telemetry-generation-enabled");
  g_clear_object (&f->settings);

  rb_test_remove_tree (f->tmp);
  g_free (f->data_dir);
  g_free (f->tmp);
}

/* Opens the dialog through win.new-run and selects TEMPLATE_ID. */
static RbNewRunDialog *
open_dialog (Fixture *f)
{
  RbNewRunDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-run", NULL));

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (RB_IS_NEW_RUN_DIALOG (item))
        dialog = RB_NEW_RUN_DIALOG (item);
    }
  g_assert_nonnull (dialog);

  rb_test_spin_until (dialog_settled, dialog, 10000, "the templates");
  g_assert_true (rb_new_run_dialog_select_template (dialog, TEMPLATE_ID));
  rb_test_spin_until (dialog_settled, dialog, 10000, "the template's parameters");
  g_assert_cmpstr (rb_new_run_dialog_get_state (dialog), ==, "ready");

  return dialog;
}

/*
 * Tests
 */

static void
test_form_matches_template (Fixture       *f,
                            gconstpointer  data)
{
  RbNewRunDialog *dialog = open_dialog (f);
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (f->data_dir);
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  GPtrArray *params;
  GtkWidget *widget;

  template = rb_template_catalog_get (catalog, TEMPLATE_ID, &error);
  g_assert_no_error (error);
  params = rb_template_get_parameters (template);
  g_assert_cmpuint (params->len, >, 0);

  names = rb_new_run_dialog_get_parameter_names (dialog);
  g_assert_cmpuint (g_strv_length (names), ==, params->len);

  for (guint i = 0; i < params->len; i++)
    {
      const RbTemplateParameter *param = g_ptr_array_index (params, i);

      g_assert_cmpstr (names[i], ==, param->name);
      widget = rb_new_run_dialog_get_parameter_widget (dialog, param->name);
      g_assert_nonnull (widget);

      if (g_str_equal (param->type, "integer") || g_str_equal (param->type, "number"))
        {
          GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget));

          g_assert_true (GTK_IS_SPIN_BUTTON (widget));
          if (param->has_min)
            g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, param->min);
          if (param->has_max)
            g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, param->max);
          if (g_str_equal (param->type, "integer"))
            g_assert_cmpuint (gtk_spin_button_get_digits (GTK_SPIN_BUTTON (widget)), ==, 0);
          else
            g_assert_cmpuint (gtk_spin_button_get_digits (GTK_SPIN_BUTTON (widget)), >, 0);
          g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)),
                                          json_node_get_double (param->default_value), 1e-9);
        }
      else if (g_str_equal (param->type, "boolean"))
        {
          g_assert_true (GTK_IS_SWITCH (widget));
          g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (widget)), ==,
                           json_node_get_boolean (param->default_value));
        }
      else
        {
          g_assert_true (GTK_IS_ENTRY (widget));
        }
    }

  /* Facts of data/templates/call-centre-intraday.yaml. */
  widget = rb_new_run_dialog_get_parameter_widget (dialog, "baseAgents");
  g_assert_cmpfloat (gtk_adjustment_get_lower (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget))), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget))), ==, 400);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)), ==, 14);
  widget = rb_new_run_dialog_get_parameter_widget (dialog, "callsPerAgent");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)), ==, 7.5);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_preview_writes_nothing (Fixture       *f,
                             gconstpointer  data)
{
  RbNewRunDialog *dialog = open_dialog (f);
  guint before = count_runs (f);
  JsonObject *plan;
  JsonObject *parameters;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rb_new_run_dialog_get_parameter_widget (dialog, "baseAgents")), 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.preview", NULL));
  rb_test_spin_until (dialog_settled, dialog, 20000, "the preview");

  g_assert_cmpstr (rb_new_run_dialog_get_state (dialog), ==, "preview");
  plan = rb_new_run_dialog_get_plan (dialog);
  g_assert_nonnull (plan);
  g_assert_nonnull (json_object_get_string_member (plan, "runId"));
  parameters = json_object_get_object_member (plan, "parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "baseAgents"), ==, 20);
  g_assert_cmpuint (count_runs (f), ==, before);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_created_cb (RbNewRunDialog *dialog,
               const char     *run_id,
               char          **out)
{
  *out = g_strdup (run_id);
}

typedef struct
{
  RbWindow   *window;
  const char *run_id;
} SelectData;

typedef struct
{
  char     **run_id;
  gpointer  *weak;
} CreatedData;

static gboolean
created_and_closed (gpointer data)
{
  CreatedData *done = data;

  return *done->run_id != NULL && *done->weak == NULL;
}

static gboolean
detail_shows_run (gpointer data)
{
  return g_strcmp0 (rb_run_detail_get_state (data), "run") == 0;
}

static gboolean
run_selected (gpointer data)
{
  SelectData *select = data;

  return g_strcmp0 (rb_window_get_selected_run_id (select->window), select->run_id) == 0;
}

static void
test_run_creates_and_selects (Fixture       *f,
                              gconstpointer  data)
{
  RbNewRunDialog *dialog = open_dialog (f);
  guint before = count_runs (f);
  g_autofree char *run_id = NULL;
  g_autofree char *run_dir = NULL;
  gpointer weak = dialog;
  CreatedData done = { &run_id, &weak };
  SelectData select;
  RbRunDetail *detail;

  g_signal_connect (dialog, "created", G_CALLBACK (on_created_cb), &run_id);
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rb_new_run_dialog_get_parameter_widget (dialog, "baseAgents")), 21);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.run", NULL));
  rb_test_spin_until (created_and_closed, &done, 30000, "the run to be created and the dialog to close");

  run_dir = g_build_filename (f->data_dir, "runs", run_id, NULL);
  g_assert_true (g_file_test (run_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_runs (f), ==, before + 1);

  select.window = f->window;
  select.run_id = run_id;
  rb_test_spin_until (run_selected, &select, 10000, "the new run selected");

  /* Its detail: the template, and the parameter as set in the form. */
  detail = RB_RUN_DETAIL (rb_app_test_find_widget (GTK_WIDGET (f->window), RB_TYPE_RUN_DETAIL));
  rb_test_spin_until (detail_shows_run, detail, 10000, "the new run's detail");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_detail_get_run (detail)), ==, run_id);
  g_assert_cmpstr (rb_run_get_template_id (rb_run_detail_get_run (detail)), ==, TEMPLATE_ID);
  g_assert_cmpstr (rb_run_get_mode (rb_run_detail_get_run (detail)), ==, "simulation");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (rb_app_test_has_label (GTK_WIDGET (detail), "baseAgents"));
  g_assert_true (rb_app_test_has_label (GTK_WIDGET (detail), "21"));
}

static void
test_telemetry_without_bundle (Fixture       *f,
                               gconstpointer  data)
{
  RbNewRunDialog *dialog = open_dialog (f);
  guint before = count_runs (f);
  const char *message;

  rb_new_run_dialog_set_mode (dialog, "telemetry");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.run", NULL));
  rb_test_spin_until (dialog_settled, dialog, 20000, "the answer");

  g_assert_cmpstr (rb_new_run_dialog_get_state (dialog), ==, "error");
  message = rb_new_run_dialog_get_message (dialog);
  g_assert_nonnull (strstr (message, "There is no telemetry bundle with capture key call-centre-intraday."));
  g_assert_nonnull (strstr (message, "Generate telemetry from a run first (select a simulation run, then Generate Telemetry…)"));
  g_assert_cmpuint (count_runs (f), ==, before);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
generation_off (gpointer data)
{
  return !rb_run_detail_get_generation_allowed (data);
}

static void
test_preferences_generation_switch (Fixture       *f,
                                    gconstpointer  data)
{
  RbPreferencesWindow *preferences = rb_preferences_window_new (GTK_WINDOW (f->window), f->settings);
  RbRunDetail *detail = RB_RUN_DETAIL (rb_app_test_find_widget (GTK_WIDGET (f->window), RB_TYPE_RUN_DETAIL));
  GtkWidget *sw;

  gtk_window_present (GTK_WINDOW (preferences));
  rb_test_spin_until ((gboolean (*) (gpointer)) rb_run_detail_get_generation_allowed, detail, 5000,
                 "generation to be allowed");

  sw = rb_app_test_find_widget (GTK_WIDGET (preferences), GTK_TYPE_SWITCH);
  g_assert_nonnull (sw);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));

  /* Off: the key flips and the window stops offering Generate. */
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "telemetry-generation-enabled"));
  rb_test_spin_until (generation_off, detail, 5000, "generation to be hidden");

  /* And the switch follows the key. */
  g_settings_set_boolean (f->settings, "telemetry-generation-enabled", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));

  gtk_window_destroy (GTK_WINDOW (preferences));
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
  g_test_add ("/app/new-run/local/" path, Fixture, LOCAL, fixture_setup, func, fixture_teardown); \
  g_test_add ("/app/new-run/remote/" path, Fixture, REMOTE, fixture_setup, func, fixture_teardown)

  ADD ("form-matches-template", test_form_matches_template);
  ADD ("preview-writes-nothing", test_preview_writes_nothing);
  ADD ("run-creates-and-selects", test_run_creates_and_selects);
  ADD ("telemetry-without-bundle", test_telemetry_without_bundle);
  ADD ("preferences-generation-switch", test_preferences_generation_switch);

#undef ADD

  return g_test_run ();
}
