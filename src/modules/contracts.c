/* contracts.c - see contracts.h. */
#include "contracts.h"

#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../util/clock.h"
#include "sales.h"

static int refuse(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* The 客户 of a linked record (an order, a contact) of the user's company;
 * 0 when it has none. */
static int account_of(entity_ctx *c, const char *table, int64_t id, int64_t *account, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT t.account_id FROM %s t WHERE t.id = ", table);
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    *account = step == DB_ROW && !db_column_is_null(s, 0) ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取关联记录失败", "Cannot read the linked record") : 0;
}

static int same_account(entity_ctx *c, hook_change *ch, const char *field, const char *table, const char *zh,
                        const char *en, err *e)
{
    int64_t id = hook_int(ch, field, 0), account = 0;
    if (!id || !(hook_changed(ch, field) || hook_changed(ch, "account_id"))) return 0;
    if (account_of(c, table, id, &account, e)) return -1;
    return account && account == hook_int(ch, "account_id", 0) ? 0 : refuse(e, field, "other_account", zh, en);
}

static int contract_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *amount = hook_value(ch, "amount");
    if (amount->kind == SV_INT && amount->i < 0)
        return refuse(e, "amount", "out_of_range", "合同金额不能为负数", "The amount cannot be negative");
    const char *start = hook_text(ch, "start_on"), *end = hook_text(ch, "end_on");
    if (start && end && strcmp(end, start) < 0)
        return refuse(e, "end_on", "before_start", "到期日期不能早于生效日期", "The contract cannot end before it starts");
    return same_account(c, ch, "contact_id", "contacts", "客户签约人须是该客户的联系人",
                        "The customer signatory must be a contact of the account", e) ||
                   same_account(c, ch, "sales_order_id", "sales_orders", "关联订单须是该客户的订单",
                                "The sales order must be the account's", e)
               ? -1
               : 0;
}

void contracts_init(void)
{
    entity_before("contracts", ON_WRITE, contract_sane);
}

int contracts_reminders(entity_ctx *c, strbuf *out, int *n, err *e)
{
    const entity_def *contracts = meta_entity(c->m, "contracts");
    if (!contracts || !acl_can(c->user, contracts, ACL_VIEW)) return 0;
    /* the last day counted in Beijing, as 到期日期 is a Beijing date */
    char until[ISO_TIME_LEN];
    iso_time(time(NULL) + 8 * 3600 + (time_t)CONTRACT_NOTICE_DAYS * 86400, until);
    until[10] = '\0';
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.name, t.end_on || 'T15:59:59Z', t.account_id, a.name, NULL, t.owner_id, u.name"
                  " FROM contracts t LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN users u ON u.id = t.owner_id"
                  " WHERE t.deleted_at IS NULL AND t.status = 'active' AND t.end_on IS NOT NULL AND t.end_on <= ");
    query_bind_text(&q, until);
    query_sql(&q, " AND ");
    acl_own_predicate(c->user, contracts, "t", &q);
    query_sql(&q, " ORDER BY t.end_on, t.id LIMIT 100");
    return sales_reminder_rows(c, &q, "contract_expiry", "contracts", out, n, e);
}
