/* take-screenshots.c — renders the screenshots in docs/screenshots/
 *
 * Not a test and not installed. Over a temp copy of tests/data/sample it
 * opens the window on a replay (so the chart draws the source run over
 * it), then the Generate Telemetry dialog, its 409 prompt, the New Run
 * dialog and Preferences, and renders each toplevel into a PNG:
 *
 *   window.png  generate-dialog.png  generate-conflict.png
 *   new-run-dialog.png  preferences.png        (and *-dark.png with --dark)
 *
 * Run it through tests/app/take-screenshots.sh (or `meson compile -C build
 * screenshots`), which sets the environment and runs it under xvfb-run.
 *
 * Usage: take-screenshots [--dark] OUTDIR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "rb-app-test-util.h"
#include "rb-generate-dialog.h"
#include "rb-local-backend.h"
#include "rb-new-run-dialog.h"
#include "rb-preferences-window.h"
#include "rb-run-detail.h"
#include "rb-test-util.h"
#include "rb-window.h"

/* A replay from model in tests/data/sample, and a node of it whose
 * series show a queue building. */
#define REPLAY_RUN  "run_20261122T093000Z_5e6f7a8b"
#define REPLAY_NODE "HubQueue"
/* A simulation run without telemetry (the Generate dialog's run). */
#define SIM_RUN     "run_20261123T110000Z_0d9c8b7a"
#define CAPTURE_KEY "it-system-week-48"
#define NEW_RUN_TEMPLATE "call-centre-intraday"
#define NEW_RUN_HEIGHT   1080

static const char *outdir;
static const char *suffix = "";

static gboolean
window_loaded (gpointer data)
{
  return !rb_window_get_loading (data);
}

static gboolean
detail_settled (gpointer data)
{
  return g_strcmp0 (rb_run_detail_get_state (data), "loading") != 0 &&
         !rb_run_detail_get_series_loading (data);
}

static gboolean
generate_settled (gpointer data)
{
  const char *state = rb_generate_dialog_get_state (data);

  return !g_str_equal (state, "loading") && !g_str_equal (state, "running");
}

static gboolean
generate_closed (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
new_run_settled (gpointer data)
{
  const char *state = rb_new_run_dialog_get_state (data);

  return !g_str_equal (state, "loading") && !g_str_equal (state, "running");
}

/* Lets animations (stack transitions, spinners, the chart's first paint)
 * finish: a few frames of the toplevel. */
static void
settle (GtkWidget *toplevel)
{
  for (guint i = 0; i < 30; i++)
    gtk_test_widget_wait_for_draw (toplevel);
}

/* Renders @toplevel's content as it is on screen, over the window
 * background colour, into OUTDIR/NAME[-dark].png: without the frame a
 * window gets on a display with no compositor. */
static void
save_png (GtkWidget  *toplevel,
          const char *name)
{
  GtkWidget *content = gtk_window_get_child (GTK_WINDOW (toplevel));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, suffix);
  g_autofree char *path = g_build_filename (outdir, file, NULL);
  GdkRGBA background;
  int width, height;

  settle (toplevel);
  g_assert_nonnull (content);
  width = gtk_widget_get_width (content);
  height = gtk_widget_get_height (content);
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (toplevel), "window_bg_color", &background))
    g_error ("No window_bg_color");

  paintable = gtk_widget_paintable_new (content);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (toplevel)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not write %s", file);
  g_print ("%s (%d × %d)\n", file, width, height);
}

static void
pick_node (RbRunDetail *detail,
           const char  *node_id)
{
  GtkDropDown *picker = GTK_DROP_DOWN (rb_app_test_find_widget (GTK_WIDGET (detail), GTK_TYPE_DROP_DOWN));
  GListModel *model = gtk_drop_down_get_model (picker);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), node_id) == 0)
      {
        gtk_drop_down_set_selected (picker, i);
        rb_test_spin_until (detail_settled, detail, 10000, "the node's series");
        return;
      }

  g_error ("No node %s", node_id);
}

static RbGenerateDialog *
open_generate (RbWindow *window)
{
  RbGenerateDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-telemetry", NULL);
  dialog = rb_app_test_find_toplevel (RB_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  rb_test_spin_until (generate_settled, dialog, 10000, "the Generate dialog");
  rb_generate_dialog_set_capture_key (dialog, CAPTURE_KEY);

  return dialog;
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = rb_app_test_find_button (root, label);

  if (button == NULL)
    g_error ("No button %s", label);
  g_signal_emit_by_name (button, "clicked");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sample = NULL;   /* tests/data/sample */
  g_autofree char *tmp = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(RbLocalBackend) backend = NULL;
  RbWindow *window;
  RbRunDetail *detail;
  RbGenerateDialog *generate;
  RbNewRunDialog *new_run;
  RbPreferencesWindow *preferences;
  gpointer weak;
  gboolean dark = FALSE;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--dark"))
        dark = TRUE;
      else
        outdir = argv[i];
    }
  if (outdir == NULL)
    {
      g_printerr ("Usage: take-screenshots [--dark] OUTDIR\n");
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("take-screenshots: no display (run it under xvfb-run)\n");
      return 1;
    }
  adw_init ();
  /* What AdwApplication loads for the app itself. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/runboard/Runboard/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  if (dark)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
      suffix = "-dark";
    }
  else
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
    }

  settings = g_settings_new (APP_ID);
  g_settings_reset (settings, "telemetry-generation-enabled");
  g_settings_reset (settings, "data-directory");
  g_settings_reset (settings, "backend");

  /* The sample, copied: generating telemetry writes into the folder. */
  sample = g_strdup (SAMPLE_DIR);
  tmp = rb_test_make_temp_dir ();
  data_dir = g_build_filename (tmp, "data", NULL);
  rb_test_copy_tree (sample, data_dir);

  backend = rb_local_backend_new (data_dir);
  window = rb_window_new (NULL, RB_BACKEND (backend), NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  detail = RB_RUN_DETAIL (rb_app_test_find_widget (GTK_WIDGET (window), RB_TYPE_RUN_DETAIL));
  rb_test_spin_until (window_loaded, window, 10000, "the run list");

  /* The list and a replay's detail with its chart. */
  g_assert_true (rb_window_select_run (window, REPLAY_RUN));
  rb_test_spin_until (detail_settled, detail, 10000, "the replay's detail");
  pick_node (detail, REPLAY_NODE);
  save_png (GTK_WIDGET (window), "window");

  /* Generate Telemetry for a simulation run. */
  g_assert_true (rb_window_select_run (window, SIM_RUN));
  rb_test_spin_until (detail_settled, detail, 10000, "the run's detail");
  generate = open_generate (window);
  save_png (GTK_WIDGET (generate), "generate-dialog");

  /* Generate it, then ask again with the same key: the 409 prompt. */
  weak = generate;
  g_object_add_weak_pointer (G_OBJECT (generate), &weak);
  click (GTK_WIDGET (generate), "_Generate");
  rb_test_spin_until (generate_closed, &weak, 30000, "the generation");
  generate = open_generate (window);
  click (GTK_WIDGET (generate), "_Generate");
  rb_test_spin_until (generate_settled, generate, 30000, "the 409");
  if (!g_str_equal (rb_generate_dialog_get_state (generate), "conflict"))
    g_error ("The second generation did not conflict: %s", rb_generate_dialog_get_state (generate));
  save_png (GTK_WIDGET (generate), "generate-conflict");
  gtk_window_destroy (GTK_WINDOW (generate));

  /* New Run with a template's parameter form. */
  /* As win.new-run makes it, but tall enough for the whole parameter
   * form (the script's virtual screen is taller than the window). */
  new_run = rb_new_run_dialog_new (GTK_WINDOW (window), RB_BACKEND (backend), NULL);
  gtk_window_set_default_size (GTK_WINDOW (new_run), 600, NEW_RUN_HEIGHT);
  gtk_window_present (GTK_WINDOW (new_run));
  rb_test_spin_until (new_run_settled, new_run, 10000, "the templates");
  g_assert_true (rb_new_run_dialog_select_template (new_run, NEW_RUN_TEMPLATE));
  rb_test_spin_until (new_run_settled, new_run, 10000, "the template's parameters");
  save_png (GTK_WIDGET (new_run), "new-run-dialog");
  gtk_window_destroy (GTK_WINDOW (new_run));

  /* Preferences. */
  preferences = rb_preferences_window_new (GTK_WINDOW (window), settings);
  gtk_window_present (GTK_WINDOW (preferences));
  save_png (GTK_WIDGET (preferences), "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));

  gtk_window_destroy (GTK_WINDOW (window));
  rb_test_remove_tree (tmp);

  return 0;
}
