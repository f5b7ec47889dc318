/* rb-window.c — the main window: run list and detail pane
 *
 * The list is RbRunList → GtkFilterListModel (core's rb_run_query_matches
 * with the search text) → GtkSortListModel (core's rb_run_compare) →
 * GtkSingleSelection. It reloads when the backend says the runs changed,
 * and the selection follows the run id across reloads.
 *
 * Debugging aid: RUNBOARD_SELECT_RUN=<run id> in the environment selects
 * that run after the first load (used for screenshots and by hand), and
 * RUNBOARD_ACTIVATE=<action> (e.g. win.generate-telemetry) activates that
 * action once the selected run's detail is shown (screenshots of dialogs).
 * RUNBOARD_REPORT_FIRST_PAINT=1 prints one line to stderr when the first
 * frame with the listed runs has been painted (bench/bench-app-startup.sh):
 * "runboard: first list paint at <µs since the epoch>, <runs> runs, VmRSS <kB> kB".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-window"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "rb-error.h"
#include "rb-format.h"
#include "rb-generate-dialog.h"
#include "rb-json.h"
#include "rb-local-backend.h"
#include "rb-new-run-dialog.h"
#include "rb-run-detail.h"
#include "rb-run-list.h"
#include "rb-run-replay.h"
#include "rb-run-row.h"
#include "rb-run-store.h"
#include "rb-window.h"

struct _RbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned references */
  GCancellable         *cancellable;
  GCancellable         *detail_cancellable;
  RbBackend            *backend;
  char                 *server_url;
  GSettings            *settings;
  RbRunList            *runs;
  GtkSingleSelection   *selection;      /* owns the models below */
  GtkCustomFilter      *filter;         /* in filter_model unless every run passes */
  GtkCustomSorter      *sorter;         /* in sort_model unless the default order */
  RbRunQuery            query;
  char                 *pending_select_id;
  char                 *detail_run_id;
  char                 *pending_action;

  /* Borrowed references (owned by the selection's model chain) */
  GtkFilterListModel   *filter_model;
  GtkSortListModel     *sort_model;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkWidget            *content;
  AdwWindowTitle       *source_title;
  AdwWindowTitle       *status_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  RbRunDetail          *detail;
  AdwStatusPage        *status_page;
  GtkWidget            *status_button;

  RbRunSort             sort;
  guint                 descending : 1;
  guint                 loading : 1;
  guint                 reload_pending : 1;
  guint                 updating : 1;
  guint                 capabilities_pending : 1;
  guint                 backend_generation : 1;   /* the backend's capability */
  guint                 replaying : 1;
  guint                 constructed : 1;
  guint                 first_paint_reported : 1;
};

G_DEFINE_FINAL_TYPE (RbWindow, rb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void select_created_run (RbWindow   *self,
                                const char *run_id);
static void show_selected (RbWindow *self,
                           gboolean  navigate);

/*
 * Helpers
 */

/* @button_label and @button_action: the page's one button (NULL: none). */
static void
show_status (RbWindow   *self,
             const char *icon_name,
             const char *title,
             const char *description,
             const char *button_label,
             const char *button_action)
{
  g_autofree char *escaped = g_markup_escape_text (description, -1);

  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, escaped);
  gtk_widget_set_visible (self->status_button, button_label != NULL);
  if (button_label != NULL)
    {
      gtk_button_set_label (GTK_BUTTON (self->status_button), button_label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->status_button), button_action);
    }
  gtk_stack_set_visible_child_name (self->main_stack, "status");
}

static void
update_titles (RbWindow *self)
{
  const char *title;
  g_autofree char *subtitle = NULL;
  guint n_runs = g_list_model_get_n_items (G_LIST_MODEL (self->runs));

  if (self->backend == NULL)
    return;

  if (RB_IS_LOCAL_BACKEND (self->backend))
    title = _("Local");
  else
    title = rb_backend_get_display_name (self->backend);

  if (!self->loading || n_runs > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", n_runs), n_runs);

  adw_window_title_set_title (self->source_title, title);
  adw_window_title_set_subtitle (self->source_title, subtitle != NULL ? subtitle : "");
  adw_window_title_set_title (self->status_title, title);
  adw_window_title_set_subtitle (self->status_title, subtitle != NULL ? subtitle : "");
}

static void
update_list_state (RbWindow *self)
{
  guint n_runs = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  update_titles (self);

  if (n_runs == 0)
    {
      show_status (self, "view-list-bullet-symbolic", _("No Runs Yet"),
                   _("Runs created in this data folder appear here as soon as they are written."),
                   _("_New Run…"), "win.new-run");
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack, "runs");
  gtk_stack_set_visible_child_name (self->list_stack, n_shown > 0 ? "list" : "no-results");
}

static guint
find_run (GListModel *model,
          const char *run_id)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RbRun) run = g_list_model_get_item (model, i);

      if (g_strcmp0 (rb_run_get_run_id (run), run_id) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static gboolean
generation_allowed (RbWindow *self)
{
  gboolean setting = TRUE;

  if (self->settings != NULL)
    setting = g_settings_get_boolean (self->settings, "telemetry-generation-enabled");

  return setting && self->backend_generation;
}

/* One place for the run actions' sensitivity: buttons, menus and
 * shortcuts all go through win.*. */
static void
update_actions (RbWindow *self)
{
  RbRun *run = rb_run_detail_get_run (self->detail);
  const RbTelemetrySummary *telemetry = run != NULL ? rb_run_get_telemetry (run) : NULL;
  gboolean allowed = generation_allowed (self);
  gboolean simulation = run != NULL && g_strcmp0 (rb_run_get_mode (run), "simulation") == 0;

  rb_run_detail_set_generation_allowed (self->detail, allowed);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-run", self->backend != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.generate-telemetry",
                                 allowed && simulation);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.replay-model",
                                 run != NULL && rb_run_get_can_replay (run) && !self->replaying);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.replay-telemetry",
                                 telemetry != NULL && telemetry->available && !self->replaying);
}

/* Backends list runs in the default order, and a filter that lets every
 * run through still calls back once per run: with neither a filter nor
 * another order in use, the models get no filter and no sorter and pass
 * 100 000 runs straight through. */
static void
refilter (RbWindow        *self,
          GtkFilterChange  change)
{
  if (rb_run_query_matches_all (&self->query))
    {
      gtk_filter_list_model_set_filter (self->filter_model, NULL);
      return;
    }
  if (gtk_filter_list_model_get_filter (self->filter_model) == NULL)
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
resort (RbWindow *self)
{
  if (rb_run_sort_is_default (self->sort, self->descending))
    gtk_sort_list_model_set_sorter (self->sort_model, NULL);
  else if (gtk_sort_list_model_get_sorter (self->sort_model) == NULL)
    gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (self->sorter));
  else
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
set_search (RbWindow   *self,
            const char *text)
{
  g_clear_pointer (&self->query.search, g_free);
  if (text != NULL && *text != '\0')
    self->query.search = g_strdup (text);

  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
}

/*
 * Model callbacks
 */

static gboolean
filter_run (gpointer item,
            gpointer user_data)
{
  RbWindow *self = user_data;

  return rb_run_query_matches (&self->query, RB_RUN (item));
}

static int
sort_runs (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  RbWindow *self = user_data;

  return rb_run_compare (RB_RUN ((gpointer) a), RB_RUN ((gpointer) b),
                         self->sort, self->descending);
}

static void
load_sort_settings (RbWindow *self)
{
  if (self->settings == NULL)
    return;

  self->sort = g_settings_get_enum (self->settings, "list-sort") == 1 ?
               RB_RUN_SORT_TEMPLATE : RB_RUN_SORT_CREATED;
  self->descending = g_settings_get_boolean (self->settings, "list-sort-descending");
}

static void
load_filter_settings (RbWindow *self)
{
  static const char * const modes[] = { NULL, "simulation", "telemetry" };
  static const RbTristate telemetry[] = { RB_TRISTATE_ANY, RB_TRISTATE_YES, RB_TRISTATE_NO };
  guint mode;
  guint has_telemetry;

  if (self->settings == NULL)
    return;

  mode = g_settings_get_enum (self->settings, "list-filter-mode");
  has_telemetry = g_settings_get_enum (self->settings, "list-filter-telemetry");

  g_clear_pointer (&self->query.mode, g_free);
  self->query.mode = g_strdup (mode < G_N_ELEMENTS (modes) ? modes[mode] : NULL);
  self->query.telemetry = has_telemetry < G_N_ELEMENTS (telemetry) ? telemetry[has_telemetry] : RB_TRISTATE_ANY;
  self->query.has_warnings = g_settings_get_boolean (self->settings, "list-filter-warnings") ?
                             RB_TRISTATE_YES : RB_TRISTATE_ANY;
}

static void
on_filter_settings_changed_cb (RbWindow   *self,
                               const char *key,
                               GSettings  *settings)
{
  load_filter_settings (self);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_sort_settings_changed_cb (RbWindow   *self,
                             const char *key,
                             GSettings  *settings)
{
  load_sort_settings (self);
  resort (self);
}

/*
 * Loading
 */

static guint64
read_vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static void
on_first_list_paint_cb (RbWindow      *self,
                        GdkFrameClock *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_list_paint_cb, self);
  g_printerr ("runboard: first list paint at %" G_GINT64_FORMAT ", %u runs, VmRSS %" G_GUINT64_FORMAT " kB\n",
              g_get_real_time (), g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
              read_vm_rss_kb ());
}

/* For the start-up benchmark: the frame after the first listing. */
static void
report_first_paint (RbWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->first_paint_reported || clock == NULL ||
      g_strcmp0 (g_getenv ("RUNBOARD_REPORT_FIRST_PAINT"), "1") != 0)
    return;
  self->first_paint_reported = TRUE;
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_list_paint_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
apply_runs (RbWindow  *self,
            GPtrArray *runs)
{
  g_autofree char *keep_id = NULL;
  guint position = GTK_INVALID_LIST_POSITION;

  keep_id = g_strdup (rb_window_get_selected_run_id (self));

  self->updating = TRUE;
  rb_run_list_replace (self->runs, runs);

  /* A run to select once listed (a replay just created): until it is,
   * the selection stays where it was. */
  if (self->pending_select_id != NULL)
    {
      position = find_run (G_LIST_MODEL (self->selection), self->pending_select_id);
      if (position != GTK_INVALID_LIST_POSITION)
        g_clear_pointer (&self->pending_select_id, g_free);
    }
  if (position == GTK_INVALID_LIST_POSITION && keep_id != NULL)
    position = find_run (G_LIST_MODEL (self->selection), keep_id);
  gtk_single_selection_set_selected (self->selection, position);
  self->updating = FALSE;

  update_list_state (self);
  report_first_paint (self);

  /* Refetch the detail too: the run itself may have changed. */
  show_selected (self, FALSE);
}

static void
list_runs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RbWindow) self = user_data;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = rb_backend_list_runs_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (error != NULL)
    {
      g_debug ("Listing runs failed: %s", error->message);

      if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
        {
          gboolean unreachable = g_error_matches (error, RB_ERROR, RB_ERROR_UNREACHABLE);

          show_status (self, unreachable ? "network-offline-symbolic" : "dialog-error-symbolic",
                       unreachable ? _("Can't Reach Server") : _("Can't Read Runs"),
                       error->message, _("_Retry"), "win.refresh");
        }
      else
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("Could not refresh the run list")));
    }
  else
    {
      apply_runs (self, runs);
    }

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      rb_window_refresh (self);
    }
}

static void
get_run_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RbWindow) self = user_data;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;

  run = rb_backend_get_run_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    rb_run_detail_show_error (self->detail, self->detail_run_id, error);
  else if (g_strcmp0 (rb_run_get_run_id (run), self->detail_run_id) == 0)
    rb_run_detail_show_run (self->detail, run);

  update_actions (self);

  if (self->pending_action != NULL && run != NULL && !self->capabilities_pending)
    {
      g_autofree char *action = g_steal_pointer (&self->pending_action);

      gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
    }
}

static void
show_selected (RbWindow *self,
               gboolean  navigate)
{
  RbRun *run = gtk_single_selection_get_selected_item (self->selection);
  const char *run_id;
  gboolean same;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);

  if (run == NULL)
    {
      g_clear_pointer (&self->detail_run_id, g_free);
      rb_run_detail_show_empty (self->detail);
      update_actions (self);
      return;
    }

  run_id = rb_run_get_run_id (run);
  same = g_strcmp0 (run_id, self->detail_run_id) == 0 &&
         g_strcmp0 (rb_run_detail_get_state (self->detail), "loading") != 0;

  g_free (self->detail_run_id);
  self->detail_run_id = g_strdup (run_id);

  /* Refreshing the same run keeps its page up while the new copy loads. */
  if (!same)
    {
      rb_run_detail_show_loading (self->detail);
      update_actions (self);
    }

  self->detail_cancellable = g_cancellable_new ();
  rb_backend_get_run_async (self->backend, run_id, self->detail_cancellable,
                            get_run_cb, g_object_ref (self));

  if (navigate)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/*
 * Signal callbacks
 */

static void
on_backend_changed_cb (RbWindow  *self,
                       RbBackend *backend)
{
  g_debug ("Runs changed, reloading");
  rb_window_refresh (self);
}

static void
on_selection_changed_cb (RbWindow           *self,
                         GParamSpec         *pspec,
                         GtkSingleSelection *selection)
{
  if (self->updating)
    return;

  show_selected (self, TRUE);
}

static void
on_filter_items_changed_cb (RbWindow   *self,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GListModel *model)
{
  if (!self->updating && !self->loading)
    update_list_state (self);
}

static void
on_search_changed_cb (RbWindow       *self,
                      GtkSearchEntry *entry)
{
  set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_list_view_activate_cb (RbWindow    *self,
                          guint        position,
                          GtkListView *list_view)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
on_back_clicked_cb (RbWindow  *self,
                    GtkButton *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_detail_select_run_cb (RbWindow    *self,
                         const char  *run_id,
                         RbRunDetail *detail)
{
  if (!rb_window_select_run (self, run_id))
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("The source run is not in this data folder")));
}

static void
on_row_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  gtk_list_item_set_child (item, rb_run_row_new ());
}

static void
on_row_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  rb_run_row_set_run (RB_RUN_ROW (gtk_list_item_get_child (item)),
                      gtk_list_item_get_item (item));
}

static void
on_row_unbind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  rb_run_row_set_run (RB_RUN_ROW (gtk_list_item_get_child (item)), NULL);
}

/*
 * Actions
 */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  rb_window_refresh (RB_WINDOW (widget));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  RbWindow *self = RB_WINDOW (widget);
  gboolean enabled = gtk_search_bar_get_search_mode (self->search_bar);

  gtk_search_bar_set_search_mode (self->search_bar, !enabled);
  if (!enabled)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  RbWindow *self = RB_WINDOW (widget);

  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (g_variant_get_string (param, NULL)));
}

static void
on_generated_cb (RbWindow         *self,
                 JsonNode         *capture,
                 RbGenerateDialog *dialog)
{
  JsonArray *warnings = NULL;
  guint n = 0;
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_OBJECT (capture))
    warnings = rb_json_get_array (json_node_get_object (capture), "warnings");
  if (warnings != NULL)
    n = json_array_get_length (warnings);

  /* Translators: a toast; %u is the number of warnings */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Telemetry generated · %u warning",
                                       "Telemetry generated · %u warnings", n), n);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));

  /* The detail comes from the backend again, without waiting for the
   * list to notice. */
  if (g_strcmp0 (rb_generate_dialog_get_run_id (dialog), self->detail_run_id) == 0)
    show_selected (self, FALSE);
}

static void
generate_telemetry_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  RbWindow *self = RB_WINDOW (widget);
  RbRun *run = rb_run_detail_get_run (self->detail);
  RbGenerateDialog *dialog;

  if (run == NULL || !generation_allowed (self))
    return;

  dialog = rb_generate_dialog_new (GTK_WINDOW (self), self->backend, run);
  g_signal_connect_object (dialog, "generated", G_CALLBACK (on_generated_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
create_replay_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RbWindow) self = user_data;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *run_id = NULL;

  body = rb_backend_create_run_finish (RB_BACKEND (object), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->replaying = FALSE;
  update_actions (self);

  if (error != NULL)
    {
      /* Translators: %s is the message of the backend or server */
      g_autofree char *text = g_strdup_printf (_("Could not create the replay: %s"), error->message);
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    run_id = rb_json_get_string (json_node_get_object (body), "runId");

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Replay created")));

  if (run_id == NULL)
    return;

  select_created_run (self, run_id);
}

/* Selects @run_id now when listed, else as soon as the list has it. */
static void
select_created_run (RbWindow   *self,
                    const char *run_id)
{
  if (!rb_window_select_run (self, run_id))
    {
      g_free (self->pending_select_id);
      self->pending_select_id = g_strdup (run_id);
      rb_window_refresh (self);
    }
}

static void
on_run_created_cb (RbWindow       *self,
                   const char     *run_id,
                   RbNewRunDialog *dialog)
{
  g_autofree char *short_id = rb_format_short_run_id (run_id);
  /* Translators: %s is a short run id */
  g_autofree char *text = g_strdup_printf (_("Run %s created"), short_id);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  select_created_run (self, run_id);
}

static void
new_run_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  RbWindow *self = RB_WINDOW (widget);
  RbNewRunDialog *dialog;

  if (self->backend == NULL)
    return;

  dialog = rb_new_run_dialog_new (GTK_WINDOW (self), self->backend,
                                  rb_run_detail_get_run (self->detail));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_run_created_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
replay (RbWindow   *self,
        const char *kind)
{
  RbRun *run = rb_run_detail_get_run (self->detail);
  g_autoptr(JsonNode) request = NULL;

  if (run == NULL || self->replaying)
    return;

  request = rb_run_request_replay_body (rb_run_get_run_id (run), kind, FALSE);
  self->replaying = TRUE;
  update_actions (self);
  rb_backend_create_run_async (self->backend, request, self->cancellable,
                               create_replay_cb, g_object_ref (self));
}

static void
replay_model_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  replay (RB_WINDOW (widget), "model");
}

static void
replay_telemetry_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  replay (RB_WINDOW (widget), "telemetry");
}

static void
get_capabilities_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RbWindow) self = user_data;
  g_autoptr(RbBackendCapabilities) capabilities = NULL;
  g_autoptr(GError) error = NULL;

  capabilities = rb_backend_get_capabilities_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->capabilities_pending = FALSE;
  if (error != NULL)
    g_debug ("Capabilities unknown: %s", error->message);
  self->backend_generation = capabilities != NULL && capabilities->telemetry_generation;
  update_actions (self);
}

static void
on_generation_setting_changed_cb (RbWindow   *self,
                                  const char *key,
                                  GSettings  *settings)
{
  update_actions (self);

  /* A local backend honours the same setting (core's removal path): ask
   * it again. */
  if (self->backend != NULL)
    {
      self->capabilities_pending = TRUE;
      rb_backend_get_capabilities_async (self->backend, self->cancellable,
                                         get_capabilities_cb, g_object_ref (self));
    }
}

/*
 * The backend
 */

static void
attach_backend (RbWindow *self)
{
  g_signal_connect_object (self->backend, "changed",
                           G_CALLBACK (on_backend_changed_cb),
                           self, G_CONNECT_SWAPPED);
  rb_run_detail_set_backend (self->detail, self->backend);

  self->capabilities_pending = TRUE;
  rb_backend_get_capabilities_async (self->backend, self->cancellable,
                                     get_capabilities_cb, g_object_ref (self));

  update_titles (self);
  rb_window_refresh (self);
}

/* Preferences switched where runs come from: drop everything the old
 * backend was doing and showing, then list the new one's runs. */
static void
switch_backend (RbWindow  *self,
                RbBackend *backend)
{
  if (backend == self->backend)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);

  if (self->backend != NULL)
    g_signal_handlers_disconnect_by_data (self->backend, self);
  g_set_object (&self->backend, backend);

  self->loading = FALSE;
  self->reload_pending = FALSE;
  self->replaying = FALSE;
  self->backend_generation = FALSE;
  g_clear_pointer (&self->pending_select_id, g_free);

  self->updating = TRUE;
  rb_run_list_replace (self->runs, NULL);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->updating = FALSE;
  g_clear_pointer (&self->detail_run_id, g_free);
  rb_run_detail_show_empty (self->detail);
  gtk_stack_set_visible_child_name (self->list_stack, "loading");
  gtk_stack_set_visible_child_name (self->main_stack, "runs");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", backend != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", backend != NULL);
  update_actions (self);

  if (backend != NULL)
    attach_backend (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
}

/*
 * GObject
 */

static void
rb_window_constructed (GObject *object)
{
  RbWindow *self = (RbWindow *)object;

  G_OBJECT_CLASS (rb_window_parent_class)->constructed (object);
  self->constructed = TRUE;

  if (self->backend == NULL)
    {
      g_autoptr(GUri) uri = NULL;
      const char *host = NULL;

      if (self->server_url != NULL)
        uri = g_uri_parse (self->server_url, G_URI_FLAGS_NONE, NULL);
      if (uri != NULL)
        host = g_uri_get_host (uri);

      adw_window_title_set_title (self->status_title, host != NULL ? host : _("Server"));
      adw_window_title_set_subtitle (self->status_title, _("Not connected"));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
      show_status (self, "network-offline-symbolic", _("Can't Reach Server"),
                   _("This version of Runboard can only show runs stored on this computer: "
                     "connecting to a Runboard server arrives in a later version. "
                     "Start Runboard without --server to browse local runs."),
                   NULL, NULL);
      return;
    }

  attach_backend (self);
}

static void
rb_window_dispose (GObject *object)
{
  RbWindow *self = (RbWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->detail_cancellable);

  /* No gtk_widget_dispose_template(): windows tear down their own child and
   * GTK 4.8 does not survive it running twice (style guide §9.2). */

  if (self->backend != NULL)
    g_signal_handlers_disconnect_by_data (self->backend, self);
  g_clear_object (&self->backend);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rb_window_parent_class)->dispose (object);
}

static void
rb_window_finalize (GObject *object)
{
  RbWindow *self = (RbWindow *)object;

  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_object (&self->runs);
  rb_run_query_clear (&self->query);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->pending_select_id, g_free);
  g_clear_pointer (&self->detail_run_id, g_free);
  g_clear_pointer (&self->pending_action, g_free);

  G_OBJECT_CLASS (rb_window_parent_class)->finalize (object);
}

static void
rb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RbWindow *self = RB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RbWindow *self = RB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      if (self->constructed)
        switch_backend (self, g_value_get_object (value));
      else
        self->backend = g_value_dup_object (value);
      break;

    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_window_class_init (RbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_window_constructed;
  object_class->dispose = rb_window_dispose;
  object_class->finalize = rb_window_finalize;
  object_class->get_property = rb_window_get_property;
  object_class->set_property = rb_window_set_property;

  /* Writable after construction too: setting it switches backend (the
   * application does, when the Preferences change). */
  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL,
                         RB_TYPE_BACKEND,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, content);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, source_title);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, status_title);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, detail);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, status_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_detail_select_run_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_unbind_cb);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.generate-telemetry", NULL, generate_telemetry_action);
  gtk_widget_class_install_action (widget_class, "win.replay-model", NULL, replay_model_action);
  gtk_widget_class_install_action (widget_class, "win.replay-telemetry", NULL, replay_telemetry_action);
  gtk_widget_class_install_action (widget_class, "win.new-run", NULL, new_run_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.generate-telemetry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-run", NULL);

  g_type_ensure (RB_TYPE_RUN_DETAIL);
}

static void
rb_window_init (RbWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  const char *select_id;

  self->cancellable = g_cancellable_new ();
  self->runs = rb_run_list_new ();
  self->sort = RB_RUN_SORT_CREATED;
  self->descending = TRUE;
  rb_run_query_init (&self->query);

  gtk_widget_init_template (GTK_WIDGET (self));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (self->settings, "changed::list-sort",
                               G_CALLBACK (on_sort_settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::list-sort-descending",
                               G_CALLBACK (on_sort_settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::telemetry-generation-enabled",
                               G_CALLBACK (on_generation_setting_changed_cb), self, G_CONNECT_SWAPPED);
      load_sort_settings (self);

      {
        static const char * const filter_keys[] = {
          "list-filter-mode", "list-filter-telemetry", "list-filter-warnings",
        };
        static const char * const action_keys[] = {
          "list-filter-mode", "list-filter-telemetry", "list-filter-warnings",
          "list-sort", "list-sort-descending",
        };
        g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

        for (guint i = 0; i < G_N_ELEMENTS (filter_keys); i++)
          {
            g_autofree char *signal = g_strconcat ("changed::", filter_keys[i], NULL);

            g_signal_connect_object (self->settings, signal,
                                     G_CALLBACK (on_filter_settings_changed_cb), self, G_CONNECT_SWAPPED);
          }
        for (guint i = 0; i < G_N_ELEMENTS (action_keys); i++)
          {
            g_autoptr(GAction) action = g_settings_create_action (self->settings, action_keys[i]);

            g_action_map_add_action (G_ACTION_MAP (group), action);
          }
        gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));
        load_filter_settings (self);
      }
    }

  /* The models hold the callbacks' user data: they die with the window. */
  self->filter = gtk_custom_filter_new (filter_run, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_runs, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->runs)), NULL);
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model), NULL);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
  resort (self);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sort_model));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_filter_items_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

  select_id = g_getenv ("RUNBOARD_SELECT_RUN");
  if (select_id != NULL && *select_id != '\0')
    self->pending_select_id = g_strdup (select_id);
  if (g_getenv ("RUNBOARD_ACTIVATE") != NULL && *g_getenv ("RUNBOARD_ACTIVATE") != '\0')
    self->pending_action = g_strdup (g_getenv ("RUNBOARD_ACTIVATE"));

  gtk_stack_set_visible_child_name (self->list_stack, "loading");
  rb_run_detail_show_empty (self->detail);
  update_actions (self);
}

RbWindow *
rb_window_new (GtkApplication *application,
               RbBackend      *backend,
               const char     *server_url)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!backend || RB_IS_BACKEND (backend), NULL);

  return g_object_new (RB_TYPE_WINDOW,
                       "application", application,
                       "backend", backend,
                       "server-url", server_url,
                       NULL);
}

RbBackend *
rb_window_get_backend (RbWindow *self)
{
  g_return_val_if_fail (RB_IS_WINDOW (self), NULL);

  return self->backend;
}

void
rb_window_refresh (RbWindow *self)
{
  g_return_if_fail (RB_IS_WINDOW (self));

  if (self->backend == NULL)
    return;

  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
    }

  self->loading = TRUE;
  rb_backend_list_runs_async (self->backend, self->cancellable,
                              list_runs_cb, g_object_ref (self));
}

gboolean
rb_window_get_loading (RbWindow *self)
{
  g_return_val_if_fail (RB_IS_WINDOW (self), FALSE);

  return self->loading || self->reload_pending || self->capabilities_pending;
}

GListModel *
rb_window_get_run_list (RbWindow *self)
{
  g_return_val_if_fail (RB_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->selection);
}

gboolean
rb_window_select_run (RbWindow   *self,
                      const char *run_id)
{
  guint position;

  g_return_val_if_fail (RB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (run_id != NULL, FALSE);

  position = find_run (G_LIST_MODEL (self->selection), run_id);

  /* Listed but hidden by the search: clear the search to show it. */
  if (position == GTK_INVALID_LIST_POSITION &&
      find_run (G_LIST_MODEL (self->runs), run_id) != GTK_INVALID_LIST_POSITION)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_search_bar_set_search_mode (self->search_bar, FALSE);
      set_search (self, NULL);
      position = find_run (G_LIST_MODEL (self->selection), run_id);
    }

  /* Still hidden: by the filters, then. */
  if (position == GTK_INVALID_LIST_POSITION && self->settings != NULL &&
      find_run (G_LIST_MODEL (self->runs), run_id) != GTK_INVALID_LIST_POSITION)
    {
      g_settings_reset (self->settings, "list-filter-mode");
      g_settings_reset (self->settings, "list-filter-telemetry");
      g_settings_reset (self->settings, "list-filter-warnings");
      load_filter_settings (self);
      refilter (self, GTK_FILTER_CHANGE_LESS_STRICT);
      position = find_run (G_LIST_MODEL (self->selection), run_id);
    }

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);

  return TRUE;
}

const char *
rb_window_get_selected_run_id (RbWindow *self)
{
  RbRun *run;

  g_return_val_if_fail (RB_IS_WINDOW (self), NULL);

  run = gtk_single_selection_get_selected_item (self->selection);

  return run != NULL ? rb_run_get_run_id (run) : NULL;
}
