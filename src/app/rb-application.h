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

G_END_DECLS
