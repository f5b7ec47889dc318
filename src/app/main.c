/* main.c — runboard, the desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "rb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RbApplication) app = NULL;
  const char *renderer;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Unless the user chose one: without a GPU, cairo rather than GL in
   * software (GTK reads this when it starts up, in g_application_run). */
  renderer = rb_application_pick_renderer ("/dev/dri");
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);

  app = rb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
