/* company_view.c - see company_view.h. */
#include "company_view.h"

#include <stdio.h>

#include "../acl/acl.h"
#include "../entity/entity.h"
#include "../entity/meta_load.h"

static int refuse(err *e)
{
    return err_set(e, 403, "company_not_viewable", "只能查看自己班级学生的实验公司",
                   "You may only look at the sandbox companies of your own students");
}

static int company_exists(db_conn *db, int64_t id, err *e)
{
    db_stmt *s = db_prepare(db, "SELECT 1 FROM companies WHERE id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "读取公司失败", "Cannot read companies");
    return rc == DB_ROW;
}

/* A student of one of the teacher's classes has that sandbox: asked of
 * the students records as the teacher sees them (their own, by the
 * engine's sharing), so a teacher never reaches another teacher's class. */
static int teaches_company(http_request *req, int64_t company_id, err *e)
{
    meta_refresh_to(req->db, req->user->metadata_version);
    acl_refresh_to(req->db, req->user->acl_version);
    entity_ctx c = {.db = req->db, .a = req->a, .user = req->user, .lang = req->lang,
                    .m = meta_for_company(req->db, req->user->company_id)};
    const entity_def *students = meta_entity(c.m, "students");
    if (!students) return 0;
    char filter[96];
    snprintf(filter, sizeof filter, "{\"field\":\"sandbox_company_id\",\"op\":\"eq\",\"value\":%lld}",
             (long long)company_id);
    return entity_exists(&c, students, filter, e);
}

int company_view(http_request *req, int64_t company_id, err *e)
{
    const auth_user *u = req->user;
    int ok = 0;
    if (u->platform_admin)
        ok = company_exists(req->db, company_id, e);
    else if (u->is_teacher)
        ok = teaches_company(req, company_id, e);
    if (ok < 0) return -1;
    if (!ok) return refuse(e);
    auth_user *v = arena_alloc(req->a, sizeof *v);
    *v = *u;
    v->home_company_id = u->company_id;
    v->company_id = company_id;
    v->is_admin = 1; /* reads every record of the company, as its administrator does */
    v->platform_admin = 0;
    v->is_teacher = 0;
    v->role_id = 0;
    v->department_id = 0;
    req->user = v;
    return 0;
}
