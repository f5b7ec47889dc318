/* test-preferences.c — switching where runs come from through the
 * Preferences window, in a running RbApplication
 *
 * Two data folders with no run in common: A, read locally, and B, served
 * by a real runboard-server. The application starts on A; Preferences
 * switches to the server (first at an address nothing listens on, then at
 * B's server) and back to A, and after each switch the window lists
 * exactly that source's runs.
 *
 * Needs a display: prints a TAP skip-all without one (run under xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "rb-app-test-util.h"
#include "rb-application.h"
#include "rb-data-dir.h"
#include "rb-local-backend.h"
#include "rb-preferences-window.h"
#include "rb-remote-backend.h"
#include "rb-run-store.h"
#include "rb-test-util.h"
#include "rb-window.h"

/* Runs of tests/data/sample that folder B gets (and A does not). */
static const char * const b_runs[] = {
  "run_20261123T110000Z_0d9c8b7a",
  "run_20261120T081500Z_7c1e2a90",
};

/* Nothing listens there: connecting is refused at once. */
#define UNREACHABLE_URL "http://127.0.0.1:1/"

static const char * const settings_keys[] = {
  "backend", "data-directory", "server-url", "telemetry-generation-enabled",
};

typedef struct
{
  GSettings        *settings;
  char             *tmp;
  char             *dir_a;
  char             *dir_b;
  GStrv             ids_a;      /* as core lists them */
  GStrv             ids_b;
  RbTestServerProc *server;     /* on dir_b */
  RbApplication    *app;        /* the one application (not owned) */
  RbWindow         *window;
} Fixture;

static RbApplication *application;

typedef struct
{
  RbWindow    *window;
  GType        backend_type;
  const char * const *ids;
} ListState;

static GStrv
store_ids (const char *data_dir)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = rb_run_store_list_all (store, NULL, &error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    g_strv_builder_add (builder, rb_run_get_run_id (g_ptr_array_index (runs, i)));

  return g_strv_builder_end (builder);
}

static GStrv
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

/* The window shows a backend of the expected type, is done loading, and
 * lists exactly the expected runs in core's order. */
static gboolean
list_is (gpointer data)
{
  ListState *state = data;
  RbBackend *backend = rb_window_get_backend (state->window);
  g_auto(GStrv) ids = NULL;

  if (backend == NULL || !G_TYPE_CHECK_INSTANCE_TYPE (backend, state->backend_type) ||
      rb_window_get_loading (state->window))
    return FALSE;

  ids = listed_ids (state->window);
  return g_strv_equal ((const char * const *) ids, state->ids);
}

static void
wait_for_list (Fixture            *f,
               GType               backend_type,
               const char * const *ids,
               const char         *what)
{
  ListState state = { f->window, backend_type, ids };

  rb_test_spin_until (list_is, &state, 15000, what);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/* The window's status page with a Retry button, when on screen. */
static AdwStatusPage *
retry_page (RbWindow *window)
{
  GtkWidget *retry = rb_app_test_find_button (GTK_WIDGET (window), "_Retry");
  GtkWidget *page;

  if (retry == NULL || !gtk_widget_get_mapped (retry))
    return NULL;
  page = gtk_widget_get_ancestor (retry, ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (page);

  return ADW_STATUS_PAGE (page);
}

static gboolean
retry_page_shown (gpointer data)
{
  return retry_page (data) != NULL;
}

/* The unreachable server's status page: says so, gives the error (which
 * names the address) and offers Retry. */
static void
assert_unreachable_page (Fixture    *f,
                         const char *authority)
{
  AdwStatusPage *page;
  g_autofree char *error = g_strdup_printf ("Can't reach the server at %s: ", authority);
  /* The description is markup. */
  g_autofree char *escaped = g_markup_escape_text (error, -1);

  rb_test_spin_until (retry_page_shown, f->window, 10000, "a status page with Retry");
  page = retry_page (f->window);
  if (!g_str_has_prefix (adw_status_page_get_description (page), escaped))
    g_error ("The status page says «%s», not the connection error", adw_status_page_get_description (page));
  /* app.md: "Can't Reach Server" with the error and Retry. */
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "Can't Reach Server");
  g_assert_cmpuint (rb_app_test_assert_no_path (GTK_WIDGET (f->window), f->tmp, NULL), >, 0);
}

/*
 * Fixture
 */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  g_autofree char *log_path = NULL;
  g_autoptr(GError) error = NULL;
  GList *windows;

  f->tmp = rb_test_make_temp_dir ();
  f->dir_a = g_build_filename (f->tmp, "a", NULL);
  f->dir_b = g_build_filename (f->tmp, "b", NULL);

  rb_test_copy_tree (sample, f->dir_a);
  rb_data_dir_ensure (f->dir_b, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (b_runs); i++)
    {
      g_autofree char *from = g_build_filename (f->dir_a, "runs", b_runs[i], NULL);
      g_autofree char *to = g_build_filename (f->dir_b, "runs", b_runs[i], NULL);

      g_assert_true (g_file_test (from, G_FILE_TEST_IS_DIR));
      rb_test_copy_tree (from, to);
      rb_test_remove_tree (from);
    }
  f->ids_a = store_ids (f->dir_a);
  f->ids_b = store_ids (f->dir_b);
  g_assert_cmpuint (g_strv_length (f->ids_a), >, 1);
  g_assert_cmpuint (g_strv_length (f->ids_b), ==, G_N_ELEMENTS (b_runs));

  log_path = g_build_filename (f->tmp, "server.log", NULL);
  f->server = rb_test_server_proc_start (f->dir_b, log_path, NULL, NULL);

  f->settings = g_settings_new (APP_ID);
  for (guint i = 0; i < G_N_ELEMENTS (settings_keys); i++)
    g_settings_reset (f->settings, settings_keys[i]);
  g_settings_set_string (f->settings, "backend", "local");
  g_settings_set_string (f->settings, "data-directory", f->dir_a);
  g_settings_set_string (f->settings, "server-url", UNREACHABLE_URL);

  /* The real application, without a D-Bus name of its own (tests run in
   * parallel). Once registered, GApplication keeps its object exported
   * until the process exits: one for all the tests, each activating it
   * for a new window. */
  if (application == NULL)
    {
      application = rb_application_new ();
      g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (application), NULL, &error);
      g_assert_no_error (error);
    }
  f->app = application;
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (f->app)));
  g_application_activate (G_APPLICATION (f->app));

  windows = gtk_application_get_windows (GTK_APPLICATION (f->app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (RB_IS_WINDOW (windows->data));
  f->window = g_object_ref (windows->data);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);

  wait_for_list (f, RB_TYPE_LOCAL_BACKEND, (const char * const *) f->ids_a, "folder A's runs");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gpointer window;

  while ((window = rb_app_test_find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  rb_test_assert_finalized_soon (f->window);
  f->app = NULL;

  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  for (guint i = 0; i < G_N_ELEMENTS (settings_keys); i++)
    g_settings_reset (f->settings, settings_keys[i]);
  g_clear_object (&f->settings);

  rb_test_remove_tree (f->tmp);
  g_strfreev (f->ids_a);
  g_strfreev (f->ids_b);
  g_free (f->dir_a);
  g_free (f->dir_b);
  g_free (f->tmp);
}

/*
 * Tests
 */

static RbPreferencesWindow *
open_preferences (Fixture *f)
{
  RbPreferencesWindow *preferences;

  g_assert_null (rb_app_test_find_toplevel (RB_TYPE_PREFERENCES_WINDOW));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  preferences = rb_app_test_find_toplevel (RB_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (preferences));

  return preferences;
}

/* Local folder → a server nobody answers at (the unreachable status page)
 * → B's server (its runs) → back to the local folder (A's runs), each
 * switch made in the Preferences window. */
static void
test_switch_backend (Fixture       *f,
                     gconstpointer  data)
{
  RbPreferencesWindow *preferences = open_preferences (f);
  GtkWidget *source_row = rb_app_test_find_widget (GTK_WIDGET (preferences), ADW_TYPE_COMBO_ROW);
  GtkWidget *folder_row = rb_app_test_find_row (GTK_WIDGET (preferences), "Data Folder", FALSE);
  GtkWidget *url_row = rb_app_test_find_row (GTK_WIDGET (preferences), "Server URL", FALSE);
  const char * const no_runs[] = { NULL };
  g_autofree char *setting = NULL;

  g_assert_nonnull (source_row);
  g_assert_nonnull (folder_row);
  g_assert_nonnull (url_row);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (source_row)), ==, 0);
  g_assert_true (rb_app_test_shown (folder_row));
  g_assert_false (rb_app_test_shown (url_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (folder_row)), ==, f->dir_a);
  g_assert_true (rb_window_select_run (f->window, f->ids_a[0]));

  /* Remote, at the address in the settings: nothing answers. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (source_row), 1);
  setting = g_settings_get_string (f->settings, "backend");
  g_assert_cmpstr (setting, ==, "remote");
  g_assert_false (rb_app_test_shown (folder_row));
  g_assert_true (rb_app_test_shown (url_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, UNREACHABLE_URL);
  wait_for_list (f, RB_TYPE_REMOTE_BACKEND, no_runs, "the unreachable server's (empty) list");
  g_assert_null (rb_window_get_selected_run_id (f->window));
  assert_unreachable_page (f, "127.0.0.1:1");

  /* The user types B's server address and applies it. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), rb_test_server_proc_get_url (f->server));
  g_signal_emit_by_name (url_row, "apply");
  g_clear_pointer (&setting, g_free);
  setting = g_settings_get_string (f->settings, "server-url");
  g_assert_cmpstr (setting, ==, rb_test_server_proc_get_url (f->server));
  wait_for_list (f, RB_TYPE_REMOTE_BACKEND, (const char * const *) f->ids_b, "B's runs from its server");
  g_assert_cmpstr (rb_remote_backend_get_base_url (RB_REMOTE_BACKEND (rb_window_get_backend (f->window))), ==,
                   rb_test_server_proc_get_url (f->server));
  g_assert_true (rb_app_test_has_label (GTK_WIDGET (f->window), "127.0.0.1"));
  g_assert_null (retry_page (f->window));
  g_assert_true (rb_window_select_run (f->window, f->ids_b[0]));

  /* Back to the local folder. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (source_row), 0);
  g_clear_pointer (&setting, g_free);
  setting = g_settings_get_string (f->settings, "backend");
  g_assert_cmpstr (setting, ==, "local");
  wait_for_list (f, RB_TYPE_LOCAL_BACKEND, (const char * const *) f->ids_a, "folder A's runs again");
  g_assert_true (rb_app_test_has_label (GTK_WIDGET (f->window), "Local"));
  g_assert_null (rb_window_get_selected_run_id (f->window));

  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* Retry on the unreachable page reaches the server once it answers at
 * that address: the URL of B's server with the server stopped, then a
 * server started on B at that same port. */
static void
test_unreachable_then_retry (Fixture       *f,
                             gconstpointer  data)
{
  RbPreferencesWindow *preferences = open_preferences (f);
  GtkWidget *source_row = rb_app_test_find_widget (GTK_WIDGET (preferences), ADW_TYPE_COMBO_ROW);
  GtkWidget *url_row = rb_app_test_find_row (GTK_WIDGET (preferences), "Server URL", FALSE);
  const char * const no_runs[] = { NULL };
  g_autofree char *url = g_strdup (rb_test_server_proc_get_url (f->server));
  g_autofree char *port = g_strdup_printf ("%u", rb_test_server_proc_get_port (f->server));
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%s", port);
  g_autofree char *log_path = g_build_filename (f->tmp, "server-2.log", NULL);
  const char * const extra[] = { "--listen", listen, NULL };
  GtkWidget *retry;

  /* Stop B's server, then point Preferences at its address. */
  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  adw_combo_row_set_selected (ADW_COMBO_ROW (source_row), 1);
  gtk_editable_set_text (GTK_EDITABLE (url_row), url);
  g_signal_emit_by_name (url_row, "apply");
  wait_for_list (f, RB_TYPE_REMOTE_BACKEND, no_runs, "the stopped server's (empty) list");
  assert_unreachable_page (f, listen);
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* The server is back at that port: Retry lists B's runs. */
  f->server = rb_test_server_proc_start (f->dir_b, log_path, extra, NULL);
  g_assert_cmpuint (rb_test_server_proc_get_port (f->server), ==, atoi (port));
  retry = rb_app_test_find_button (GTK_WIDGET (f->window), "_Retry");
  g_signal_emit_by_name (retry, "clicked");
  wait_for_list (f, RB_TYPE_REMOTE_BACKEND, (const char * const *) f->ids_b, "B's runs after Retry");
  g_assert_null (retry_page (f->window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  g_test_add ("/app/preferences/switch-backend", Fixture, NULL,
              fixture_setup, test_switch_backend, fixture_teardown);
  g_test_add ("/app/preferences/unreachable-then-retry", Fixture, NULL,
              fixture_setup, test_unreachable_then_retry, fixture_teardown);

  status = g_test_run ();
  g_clear_object (&application);

  return status;
}
