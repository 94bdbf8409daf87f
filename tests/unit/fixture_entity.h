/* fixture_entity.h - a hand-made entity with a field of every type, for the
 * value, filter and fuzz tests. */
#ifndef KEHU_FIXTURE_ENTITY_H
#define KEHU_FIXTURE_ENTITY_H

#include "meta/metadata.h"

static picklist_option fixture_options[] = {
    {"A", "A 类", "A", 1, -1}, {"B", "B 类", "B", 1, -1}, {"old", "旧等级", "Old", 0, -1}};

static field_def fixture_fields[] = {
    {.name = "id", .type = FT_ID, .label_zh = "编号", .label_en = "ID", .system = 1, .readonly = 1},
    {.name = "name", .type = FT_TEXT, .label_zh = "客户名称", .label_en = "Account name", .required = 1,
     .max_length = 10, .sort_column = "py_full"},
    {.name = "notes", .type = FT_LONGTEXT, .label_zh = "备注", .label_en = "Notes"},
    {.name = "employees", .type = FT_INTEGER, .label_zh = "员工人数", .label_en = "Employees"},
    {.name = "rate", .type = FT_DECIMAL, .label_zh = "比率", .label_en = "Rate", .scale = 4},
    {.name = "revenue", .type = FT_MONEY, .label_zh = "营业额", .label_en = "Revenue", .scale = 2},
    {.name = "share", .type = FT_PERCENT, .label_zh = "份额", .label_en = "Share", .scale = 2},
    {.name = "founded", .type = FT_DATE, .label_zh = "成立日期", .label_en = "Founded"},
    {.name = "next_at", .type = FT_DATETIME, .label_zh = "下次联系", .label_en = "Next contact"},
    {.name = "hot", .type = FT_BOOLEAN, .label_zh = "热点", .label_en = "Hot"},
    {.name = "grade", .type = FT_PICKLIST, .label_zh = "等级", .label_en = "Grade",
     .options = fixture_options, .noptions = 3},
    {.name = "tags", .type = FT_MULTIPICKLIST, .label_zh = "标签", .label_en = "Tags",
     .options = fixture_options, .noptions = 3},
    {.name = "email", .type = FT_EMAIL, .label_zh = "邮箱", .label_en = "Email"},
    {.name = "phone", .type = FT_PHONE, .label_zh = "电话", .label_en = "Phone"},
    {.name = "website", .type = FT_URL, .label_zh = "网址", .label_en = "Website"},
    {.name = "account_id", .type = FT_LINK, .label_zh = "客户", .label_en = "Account",
     .link_entity = "accounts", .companion = "account_name"},
    {.name = "owner_id", .type = FT_USER, .label_zh = "负责人", .label_en = "Owner",
     .link_entity = "users", .companion = "owner_name", .system = 1},
    {.name = "code", .type = FT_AUTONUMBER, .label_zh = "编号", .label_en = "No.", .readonly = 1},
};

static entity_def fixture_entity = {
    .name = "things",
    .table = "things",
    .label_zh = "测试",
    .label_en = "Things",
    .name_field = "name",
    .fields = fixture_fields,
    .nfields = sizeof fixture_fields / sizeof fixture_fields[0],
};

#endif
