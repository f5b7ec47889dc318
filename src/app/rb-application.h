/* rb-application.h — the Runboard desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RB_TYPE_APPLICATION (rb_application_get_type ())

G_DECLARE_FINAL_TYPE (RbApplication, rb_application, RB, APPLICATION, AdwApplication)

RbApplication *rb_application_new (void);

/* The renderer to ask GTK for before it starts: "cairo" when @dri_dir
 * (normally /dev/dri) has no render node, so GTK's GL renderer would run
 * in software (llvmpipe: five times the CPU per frame and 70 MB more than
 * cairo, see docs/performance.md); NULL to leave GTK its own choice. */
const char    *rb_application_pick_renderer (const char *dri_dir);

G_END_DECLS
