/* rb-application.c — the Runboard desktop application
 *
 * A plain launch is single-instance: a second launch presents the existing
 * window. A launch that overrides where runs come from (--data-dir,
 * --server, RUNBOARD_DATA_DIR) runs non-unique, so scripts and parallel
 * tests never talk to another instance.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "rb-application.h"
#include "rb-data-dir.h"
#include "rb-local-backend.h"
#include "rb-preferences-window.h"
#include "rb-remote-backend.h"
#include "rb-window.h"

struct _RbApplication
{
  AdwApplication  parent_instance;

  /* Owned references */
  char           *data_dir_option;
  char           *server_option;
  GSettings      *settings;         /* NULL without the schema */
  RbBackend      *first_backend;    /* made at startup, for the first window */
};

G_DEFINE_FINAL_TYPE (RbApplication, rb_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Show the runs of this data folder"), N_("DIR") },
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Show the runs of this Runboard server"), N_("URL") },
  { NULL }
};

static RbBackend *create_backend (RbApplication *self);
static void load_settings (RbApplication *self);
static void on_backend_settings_changed_cb (RbApplication *self,
                                            const char    *key,
                                            GSettings     *settings);

/*
 * Actions
 */

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Runboard"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Runboard developers"),
                        "comments", _("Browse, replay and compare flow simulation runs"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  RbApplication *self = user_data;
  RbPreferencesWindow *preferences;

  if (self->settings == NULL)
    return;

  preferences = rb_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           self->settings);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

/*
 * GApplication
 */

static int
rb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  RbApplication *self = RB_APPLICATION (application);
  const char *env_dir = g_getenv ("RUNBOARD_DATA_DIR");

  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir_option);
  g_variant_dict_lookup (options, "server", "s", &self->server_option);

  if (self->data_dir_option != NULL && self->server_option != NULL)
    {
      g_printerr ("%s\n", _("Use either --data-dir or --server, not both."));
      return EXIT_FAILURE;
    }

  /* Any override of where runs come from: do not join another instance. */
  if (self->data_dir_option != NULL || self->server_option != NULL ||
      (env_dir != NULL && *env_dir != '\0'))
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void
rb_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *refresh_accels[] = { "<Primary>r", "F5", NULL };
  static const char *search_accels[] = { "<Primary>f", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };
  RbApplication *self = RB_APPLICATION (application);

  /* Settings and the backend before GTK starts up (the parent's startup,
   * about 0.2 s under Xvfb): a local folder's runs are read meanwhile. */
  load_settings (self);
  self->first_backend = create_backend (self);
  if (RB_IS_LOCAL_BACKEND (self->first_backend))
    rb_local_backend_prefetch_runs (RB_LOCAL_BACKEND (self->first_backend));

  G_APPLICATION_CLASS (rb_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "preferences")),
                               self->settings != NULL);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

/* NULL settings without the installed schema (a build tree's tests). */
static void
load_settings (RbApplication *self)
{
  static const char * const keys[] = { "backend", "data-directory", "server-url" };
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return;

  self->settings = g_settings_new (APP_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", keys[i], NULL);

      g_signal_connect_object (self->settings, signal,
                               G_CALLBACK (on_backend_settings_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

/* Where runs come from for this launch: --server, else --data-dir,
 * RUNBOARD_DATA_DIR or the settings (core's rb_data_dir_resolve()). */
static gboolean
has_override (RbApplication *self)
{
  const char *env_dir = g_getenv ("RUNBOARD_DATA_DIR");

  return self->data_dir_option != NULL || self->server_option != NULL ||
         (env_dir != NULL && *env_dir != '\0');
}

static char *
remote_url_from_settings (RbApplication *self)
{
  if (has_override (self) || self->settings == NULL)
    return NULL;

  if (g_settings_get_enum (self->settings, "backend") != 1)
    return NULL;

  return g_settings_get_string (self->settings, "server-url");
}

/* The backend this launch shows: --server, else the settings' server,
 * else the local folder of --data-dir, RUNBOARD_DATA_DIR or the settings
 * (core's rb_data_dir_resolve()). */
static RbBackend *
create_backend (RbApplication *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *data_dir = NULL;

  if (self->server_option != NULL)
    server_url = g_strdup (self->server_option);
  else
    server_url = remote_url_from_settings (self);

  if (server_url != NULL)
    return RB_BACKEND (rb_remote_backend_new (server_url, NULL));

  data_dir = rb_data_dir_resolve (self->data_dir_option);

  return RB_BACKEND (rb_local_backend_new (data_dir));
}

/* Preferences changed where runs come from: every window switches. */
static void
on_backend_settings_changed_cb (RbApplication *self,
                                const char    *key,
                                GSettings     *settings)
{
  g_autoptr(RbBackend) backend = NULL;

  if (has_override (self))
    return;

  backend = create_backend (self);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (RB_IS_WINDOW (l->data))
        g_object_set (l->data, "backend", backend, NULL);
    }
}

static void
rb_application_activate (GApplication *application)
{
  RbApplication *self = RB_APPLICATION (application);
  g_autoptr(RbBackend) backend = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  backend = self->first_backend != NULL ? g_steal_pointer (&self->first_backend)
                                         : create_backend (self);
  window = GTK_WINDOW (rb_window_new (GTK_APPLICATION (self), backend, NULL));
  gtk_window_present (window);
}

static void
rb_application_finalize (GObject *object)
{
  RbApplication *self = (RbApplication *)object;

  g_clear_pointer (&self->data_dir_option, g_free);
  g_clear_pointer (&self->server_option, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->first_backend);

  G_OBJECT_CLASS (rb_application_parent_class)->finalize (object);
}

static void
rb_application_class_init (RbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = rb_application_finalize;

  app_class->handle_local_options = rb_application_handle_local_options;
  app_class->startup = rb_application_startup;
  app_class->activate = rb_application_activate;
}

static void
rb_application_init (RbApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Browse flow simulation runs and their telemetry."));
}

const char *
rb_application_pick_renderer (const char *dri_dir)
{
  g_autoptr(GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, "renderD"))
        return NULL;
    }
  return "cairo";
}

RbApplication *
rb_application_new (void)
{
  return g_object_new (RB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/runboard/Runboard",
                       NULL);
}
