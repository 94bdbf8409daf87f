/* gen_data.c - realistic Chinese company data, fast. Names are built from
 * city, brand syllables, industry word and legal form, with every index
 * mapped to a distinct combination (a bijection, not random draws), so a
 * million customers have a million different names and the unique index
 * never rejects a row. Rows go straight into the tables in one transaction
 * with prepared statements; the engine's per-record work (history) is not
 * wanted for benchmark data. */
#include "../acl/acl.h"
#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_schema.h"
#include "../entity/meta_load.h"
#include "gen.h"
#include "prepare.h"
#include "../util/clock.h"
#include "../util/grams.h"
#include "../util/pinyin.h"

/* Province, city and the city's telephone area code (区号), so a
 * customer's office number reads like one from its city. */
static const struct {
    const char *province, *city, *area;
} CITIES[] = {
    {"北京", "北京", "010"},     {"上海", "上海", "021"},     {"天津", "天津", "022"},       {"重庆", "重庆", "023"},
    {"江苏", "南京", "025"},     {"江苏", "苏州", "0512"},    {"江苏", "无锡", "0510"},      {"浙江", "杭州", "0571"},
    {"浙江", "宁波", "0574"},    {"广东", "广州", "020"},     {"广东", "深圳", "0755"},      {"广东", "东莞", "0769"},
    {"山东", "济南", "0531"},    {"山东", "青岛", "0532"},    {"湖北", "武汉", "027"},       {"湖南", "长沙", "0731"},
    {"四川", "成都", "028"},     {"陕西", "西安", "029"},     {"河南", "郑州", "0371"},      {"福建", "厦门", "0592"},
    {"福建", "福州", "0591"},    {"安徽", "合肥", "0551"},    {"辽宁", "沈阳", "024"},       {"辽宁", "大连", "0411"},
    {"吉林", "长春", "0431"},    {"黑龙江", "哈尔滨", "0451"}, {"河北", "石家庄", "0311"},   {"山西", "太原", "0351"},
    {"江西", "南昌", "0791"},    {"云南", "昆明", "0871"},    {"广西", "南宁", "0771"},      {"贵州", "贵阳", "0851"},
    {"甘肃", "兰州", "0931"},    {"内蒙古", "呼和浩特", "0471"}, {"新疆", "乌鲁木齐", "0991"}, {"海南", "海口", "0898"},
    {"宁夏", "银川", "0951"},    {"青海", "西宁", "0971"},    {"江苏", "常州", "0519"},      {"浙江", "温州", "0577"},
};
/* Road names every Chinese city has. */
static const char *const ROADS[] = {"中山路", "人民路", "解放路", "建设路", "长江路", "和平路", "新华路",
                                    "科技路", "创业大道", "学府路", "金融街", "滨江大道", "工业园路", "友谊路"};
static const char *const BRAND1[] = {"华", "中", "新", "恒", "金", "瑞", "鼎", "宏", "博", "天",
                                     "长", "东", "海", "联", "汇", "通", "信", "诚", "嘉", "盛",
                                     "远", "泰", "安", "永", "明", "正", "德", "奥", "凯", "达",
                                     "凌", "润", "银", "星", "晨", "弘", "佳", "万", "力", "科"};
static const char *const BRAND2[] = {"兴", "达", "晟", "源", "丰", "腾", "宇", "辉", "创", "邦",
                                     "诺", "峰", "利", "盛", "航", "川", "能", "智", "美", "康",
                                     "派", "讯", "锐", "成", "和", "远", "捷", "迅", "泽", "翔",
                                     "光", "元", "益", "拓", "茂", "维", "华", "驰", "凯", "森"};
static const struct {
    const char *word, *code;
} TRADES[] = {
    {"机械制造", "manufacturing"}, {"信息技术", "it"},        {"软件", "it"},
    {"网络科技", "it"},           {"保险代理", "finance"},    {"投资管理", "finance"},
    {"商贸", "retail"},           {"百货", "retail"},         {"食品", "fmcg"},
    {"日化用品", "fmcg"},         {"汽车零部件", "automotive"}, {"汽车销售服务", "automotive"},
    {"电子", "telecom"},          {"通信设备", "telecom"},    {"置业", "real_estate"},
    {"教育咨询", "education"},    {"医疗器械", "healthcare"}, {"医药", "healthcare"},
    {"物流", "logistics"},        {"供应链管理", "logistics"},
};
static const char *const FORMS[] = {"有限公司", "股份有限公司", "科技有限公司", "集团有限公司"};
static const char *const TYPES[] = {"customer", "customer", "customer", "prospect", "prospect",
                                    "channel", "partner", "supplier", "competitor"};
static const char *const GRADES[] = {"A", "B", "B", "C", "C", "C"};
static const char *const SOURCES[] = {"referral", "website", "exhibition", "cold_call",
                                      "advertising", "partner", "other"};
static const char *const STAGES[] = {"potential", "developing", "growing", "mature", "declining"};
static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                       "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
                                       "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
                                       "欧阳", "司马", "诸葛", "上官"};
static const char *const GIVEN[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
                                    "刚", "桂英", "晓东", "海燕", "志强", "建华", "丹", "鹏", "婷", "宇航",
                                    "子涵", "欣怡", "浩然", "梓轩", "雨桐", "思远", "一鸣", "嘉怡"};
static const char *const TITLES[] = {"总经理", "副总经理", "采购经理", "销售总监", "技术总监",
                                     "财务经理", "行政主管", "项目经理", "采购专员", "工程师"};
static const char *const DEPTS[] = {"总经办", "采购部", "销售部", "技术部", "财务部", "行政部", "市场部"};


/* Spreads consecutive indexes over the whole combination space: i*P mod T
 * is a bijection when P and T are coprime. */
static uint64_t spread(uint64_t i, uint64_t total)
{
    const uint64_t prime = 1000003;
    return (i * prime) % total;
}

static void company_name(uint64_t i, char *out, size_t n, int *city, int *trade)
{
    uint64_t total = N(CITIES) * N(BRAND1) * N(BRAND2) * N(TRADES) * N(FORMS);
    uint64_t k = spread(i % total, total);
    int f = (int)(k % N(FORMS)); k /= N(FORMS);
    *trade = (int)(k % N(TRADES)); k /= N(TRADES);
    int b2 = (int)(k % N(BRAND2)); k /= N(BRAND2);
    int b1 = (int)(k % N(BRAND1)); k /= N(BRAND1);
    *city = (int)(k % N(CITIES));
    if (i < total)
        snprintf(out, n, "%s%s%s%s%s", CITIES[*city].city, BRAND1[b1], BRAND2[b2], TRADES[*trade].word, FORMS[f]);
    else /* beyond 2.8 million names: a branch number keeps them distinct */
        snprintf(out, n, "%s%s%s%s%s第%llu分公司", CITIES[*city].city, BRAND1[b1], BRAND2[b2],
                 TRADES[*trade].word, FORMS[f], (unsigned long long)(i / total));
}

/* Small deterministic generator so the same N gives the same data. */
static uint64_t rnd_state = 88172645463325252ULL;
uint64_t gen_rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

void gen_bind_pinyin(db_stmt *s, int k, const char *name)
{
    strbuf full = STRBUF_INIT, initials = STRBUF_INIT;
    pinyin_keys(name, &full, &initials);
    db_bind_text(s, k, sb_str(&full));
    db_bind_text(s, k + 1, sb_str(&initials));
    sb_free(&full);
    sb_free(&initials);
}

/* Binds the quick-search words of the given texts at parameter k, and
 * those of the name's pinyin, as the records engine writes them. */
static void bind_grams(db_stmt *s, int k, const char *name, const char *const *texts)
{
    strbuf words = STRBUF_INIT;
    for (int i = 0; texts[i]; i++) grams_of_text(texts[i], &words);
    pinyin_search_words(name, &words);
    db_bind_text(s, k, sb_str(&words));
    sb_free(&words);
}

int gen_bind_stamps(db_stmt *s, int64_t id, int64_t owner, const char *now)
{
    db_bind_int64(s, 1, id);
    db_bind_int64(s, 2, owner);
    db_bind_text(s, 3, now);
    db_bind_text(s, 4, now);
    db_bind_int64(s, 5, owner);
    db_bind_int64(s, 6, owner);
    return 7;
}

int gen_step_ok(db_stmt *s, err *e)
{
    int rc = db_step(s);
    if (rc < 0) return err_set(e, 500, "db_error", "写入数据失败", "Insert failed");
    return 0;
}

static int insert_accounts(db_conn *c, int64_t count, int64_t owner, const char *now, err *e)
{
    db_stmt *s = db_prepare(c,
        "INSERT INTO accounts (id, version, owner_id, created_at, updated_at, created_by, updated_by,"
        " code, name, type, grade, industry, source, stage, phone, email, province, city, address,"
        " employees, annual_revenue, is_hot, py_full, py_initials, search_grams)"
        " VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
    if (!s) return -1;
    char name[160], code[32], phone[32], email[64], addr[128];
    for (int64_t i = 1; i <= count; i++) {
        int city, trade;
        company_name((uint64_t)i - 1, name, sizeof name, &city, &trade);
        snprintf(code, sizeof code, "KH-%06lld", (long long)i);
        /* an eight-digit local number, which starts with 2 to 8 */
        snprintf(phone, sizeof phone, "%s-%d%07llu", CITIES[city].area, (int)(2 + gen_rnd() % 7),
                 (unsigned long long)(gen_rnd() % 10000000));
        snprintf(email, sizeof email, "contact%lld@example.cn", (long long)i);
        snprintf(addr, sizeof addr, "%s市%s%d号", CITIES[city].city, ROADS[gen_rnd() % N(ROADS)], (int)(1 + gen_rnd() % 999));
        int k = gen_bind_stamps(s, i, owner, now);
        db_bind_text(s, k++, code);
        db_bind_text(s, k++, name);
        db_bind_text(s, k++, TYPES[gen_rnd() % N(TYPES)]);
        db_bind_text(s, k++, GRADES[gen_rnd() % N(GRADES)]);
        db_bind_text(s, k++, TRADES[trade].code);
        db_bind_text(s, k++, SOURCES[gen_rnd() % N(SOURCES)]);
        db_bind_text(s, k++, STAGES[gen_rnd() % N(STAGES)]);
        db_bind_text(s, k++, phone);
        db_bind_text(s, k++, email);
        db_bind_text(s, k++, CITIES[city].province);
        db_bind_text(s, k++, CITIES[city].city);
        db_bind_text(s, k++, addr);
        db_bind_int64(s, k++, (int64_t)(10 + gen_rnd() % 5000));
        db_bind_int64(s, k++, (int64_t)(gen_rnd() % 50000000000LL)); /* 分 */
        db_bind_int64(s, k++, gen_rnd() % 10 == 0);
        gen_bind_pinyin(s, k, name);
        const char *searchable[] = {code, name, phone, NULL}; /* the fields marked searchable */
        bind_grams(s, k + 2, name, searchable);
        if (gen_step_ok(s, e)) return db_finalize(s), -1;
    }
    db_finalize(s);
    return 0;
}

static int insert_contacts(db_conn *c, int64_t count, int64_t accounts, int64_t owner,
                           const char *now, err *e)
{
    db_stmt *s = db_prepare(c,
        "INSERT INTO contacts (id, version, owner_id, created_at, updated_at, created_by, updated_by,"
        " name, account_id, title, department, mobile, email, gender, is_primary, py_full, py_initials,"
        " search_grams) VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
    if (!s) return -1;
    char name[64], mobile[24], email[64];
    for (int64_t i = 1; i <= count; i++) {
        snprintf(name, sizeof name, "%s%s", SURNAMES[gen_rnd() % N(SURNAMES)], GIVEN[gen_rnd() % N(GIVEN)]);
        snprintf(mobile, sizeof mobile, "1%d%09llu", (int)(3 + gen_rnd() % 7), (unsigned long long)(gen_rnd() % 1000000000));
        snprintf(email, sizeof email, "p%lld@example.cn", (long long)i);
        int64_t account = accounts > 0 ? 1 + (i - 1) % accounts : 0;
        int k = gen_bind_stamps(s, i, owner, now);
        db_bind_text(s, k++, name);
        if (account) db_bind_int64(s, k++, account);
        else db_bind_null(s, k++);
        db_bind_text(s, k++, TITLES[gen_rnd() % N(TITLES)]);
        db_bind_text(s, k++, DEPTS[gen_rnd() % N(DEPTS)]);
        db_bind_text(s, k++, mobile);
        db_bind_text(s, k++, email);
        db_bind_text(s, k++, gen_rnd() % 2 ? "male" : "female");
        db_bind_int64(s, k++, accounts > 0 && i <= accounts);
        gen_bind_pinyin(s, k, name);
        const char *searchable[] = {name, mobile, email, NULL};
        bind_grams(s, k + 2, name, searchable);
        if (gen_step_ok(s, e)) return db_finalize(s), -1;
    }
    db_finalize(s);
    return 0;
}

static const char *const METHODS[] = {"transfer", "transfer", "transfer", "cash", "cheque", "acceptance"};

/* A ledger of `count` receipts (收款单) spread over the customers, for the
 * balance benchmark; amounts from 0.01 to 99,999.99. */
static int insert_receipts(db_conn *c, int64_t count, int64_t accounts, int64_t owner, const char *now, err *e)
{
    if (!count) return 0;
    if (!meta_entity(meta_current(), "receipts") || accounts <= 0)
        return err_set(e, 422, "bad_param", "没有收款单实体或没有客户", "No receipts entity or no customers");
    db_stmt *s = db_prepare(c,
        "INSERT INTO receipts (id, version, owner_id, created_at, updated_at, created_by, updated_by,"
        " code, account_id, amount, received_on, method, py_full, py_initials) VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,'')", e);
    if (!s) return -1;
    char code[32], day[16];
    for (int64_t i = 1; i <= count; i++) {
        snprintf(code, sizeof code, "SK-%06lld", (long long)i);
        snprintf(day, sizeof day, "2026-%02d-%02d", (int)(1 + i % 12), (int)(1 + i % 28));
        int k = gen_bind_stamps(s, i, owner, now);
        db_bind_text(s, k++, code);
        db_bind_int64(s, k++, 1 + (i - 1) % accounts);
        db_bind_int64(s, k++, 1 + (int64_t)(gen_rnd() % 9999999));
        db_bind_text(s, k++, day);
        db_bind_text(s, k++, METHODS[gen_rnd() % N(METHODS)]);
        db_bind_text(s, k++, code);
        if (gen_step_ok(s, e)) return db_finalize(s), -1;
    }
    db_finalize(s);
    return gen_ids_used(c, "receipts", "code", count, e);
}

int gen_ids_used(db_conn *c, const char *table, const char *autonumber, int64_t count, err *e)
{
    char sql[200], name[96], value[32];
    if (db_dialect_of(c) == DB_POSTGRES) {
        snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s','id'), GREATEST((SELECT MAX(id) FROM %s), 1))",
                 table, table);
        if (db_exec(c, sql, e)) return -1;
    }
    if (!autonumber) return 0;
    snprintf(name, sizeof name, "%s.%s", table, autonumber);
    snprintf(value, sizeof value, "%lld", (long long)count);
    const char *params[] = {name, value};
    int64_t ignored;
    return db_query_int64(c, "DELETE FROM counters WHERE company_id = 1 AND name = ? RETURNING 1", &ignored, e, 1, params) < 0 ||
                   db_query_int64(c, "INSERT INTO counters(company_id, name, value) VALUES (1, ?, CAST(? AS BIGINT)) RETURNING value",
                                  &ignored, e, 2, params) < 0
               ? -1
               : 0;
}

int gen_rebuild_balances(db_conn *c, const char *entity, err *e)
{
    const entity_def *ent = meta_entity(meta_current(), entity);
    return ent ? entity_rebuild_balances(c, ent, e) : 0;
}

/* On SQLite the search index is fed by triggers, one row at a time. For a
 * bulk load it is much faster to drop them, load, rebuild the index in one
 * pass and let the schema sync recreate them, all in the same transaction. */
static int pause_search_triggers(db_conn *c, err *e)
{
    if (db_dialect_of(c) != DB_SQLITE) return 0;
    return db_exec(c, "DROP TRIGGER IF EXISTS accounts_fts_insert; DROP TRIGGER IF EXISTS contacts_fts_insert;", e);
}

static int rebuild_search_index(db_conn *c, err *e)
{
    if (db_dialect_of(c) != DB_SQLITE) return 0;
    if (db_exec(c, "INSERT INTO accounts_fts(accounts_fts) VALUES ('rebuild');"
                   "INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');", e))
        return -1;
    return entity_schema_sync(c, meta_current(), e);
}

int gen_data(db_conn *c, int64_t accounts, int64_t contacts, int64_t receipts, int64_t owner_id, err *e)
{
    return gen_data_with(c, &(gen_counts){accounts, contacts, receipts, 0, 0}, owner_id, e);
}

int gen_data_with(db_conn *c, const gen_counts *n, int64_t owner_id, err *e)
{
    int64_t accounts = n->accounts, contacts = n->contacts, receipts = n->receipts;
    char now[ISO_TIME_LEN];
    iso_now(now);
    const char *none[] = {NULL};
    int64_t existing = 0;
    if (db_query_int64(c, "SELECT COUNT(*) FROM accounts", &existing, e, 0, none) < 0) return -1;
    if (existing)
        return err_set(e, 409, "not_empty", "数据库中已有客户，gen-data 只用于空库",
                       "The database already has accounts; gen-data needs an empty one");
    if (db_begin(c, e)) return -1;
    if (pause_search_triggers(c, e) || insert_accounts(c, accounts, owner_id, now, e) ||
        insert_contacts(c, contacts, accounts, owner_id, now, e) ||
        insert_receipts(c, receipts, accounts, owner_id, now, e) ||
        gen_orders(c, n->orders, accounts, receipts + 1, owner_id, now, e) ||
        gen_stock_moves(c, n->stock_moves, owner_id, now, e) || gen_ids_used(c, "accounts", "code", accounts, e) ||
        gen_ids_used(c, "contacts", NULL, 0, e) ||
        rebuild_search_index(c, e) || ((receipts || n->orders) && gen_rebuild_balances(c, "receipts", e)) || db_commit(c, e)) {
        db_rollback(c);
        return -1;
    }
    /* Fresh statistics so the planner picks the list indexes. */
    db_exec(c, "ANALYZE", e);
    return 0;
}

int cli_gen_data(int argc, char **argv)
{
    const char *url = "kehu.db";
    gen_counts n = {0};
    for (int i = 1; i < argc - 1; i++) {
        if (strcmp(argv[i], "--db") == 0) url = argv[i + 1];
        if (strcmp(argv[i], "--accounts") == 0) n.accounts = atoll(argv[i + 1]);
        if (strcmp(argv[i], "--contacts") == 0) n.contacts = atoll(argv[i + 1]);
        if (strcmp(argv[i], "--receipts") == 0) n.receipts = atoll(argv[i + 1]);
        if (strcmp(argv[i], "--orders") == 0) n.orders = atoll(argv[i + 1]);
        if (strcmp(argv[i], "--stock-moves") == 0) n.stock_moves = atoll(argv[i + 1]);
    }
    if (n.accounts <= 0 || n.accounts > 100000000 || n.contacts < 0 || n.receipts < 0 || n.orders < 0 ||
        n.orders > 100000000 || n.stock_moves < 0 || n.stock_moves > 1000000000) {
        fprintf(stderr, "用法 / usage: kehu gen-data --accounts N [--contacts M] [--receipts R] [--orders O]"
                        " [--stock-moves S] [--db FILE|URL]\n");
        return 2;
    }
    err e;
    err_clear(&e);
    db_conn *c = db_open(url, &e);
    int64_t admin = 0;
    int64_t t0 = clock_us();
    int rc = !c || schema_prepare(c, &e) ||
             db_query_int64(c, "SELECT COALESCE(MIN(id), 1) FROM users", &admin, &e, 0, NULL) < 0 ||
             gen_data_with(c, &n, admin, &e);
    if (c) db_close(c);
    acl_shutdown();
    meta_shutdown();
    if (rc) {
        fprintf(stderr, "kehu: %s / %s\n", e.zh, e.en);
        return 1;
    }
    fprintf(stderr, "kehu: 已生成 %lld 个客户、%lld 个联系人，用时 %.1f 秒 / generated in %.1f s\n",
            (long long)n.accounts, (long long)n.contacts, (double)(clock_us() - t0) / 1e6,
            (double)(clock_us() - t0) / 1e6);
    return 0;
}
