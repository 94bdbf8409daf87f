#!/usr/bin/env python3
"""class1000.py - the set-up of bench/class1000.sh: signs in each student of
the roster import's answer (the first password changed, then a token) and
makes their progress through the API, as a student would: student i does
the first i % 8 steps of ALLPASS 实验二 (so the matrix has every state).
Writes the tokens, one a line, for the wrk script. Not a test.
    class1000.py BASE_URL IMPORT_ANSWER.json TOKENS_OUT
"""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, ANSWER, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
PW = 'Bench#2026pw'


def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
        return r.headers, (json.loads(text) if text else None)


def session(username, password):
    h, j = call('POST', '/api/v1/session', {'username': username, 'password': password})
    cookie = h['Set-Cookie'].split(';')[0]
    return {'Cookie': cookie, 'X-CSRF-Token': j['csrf_token']}


def student(i, s):
    no = s['student_no']
    call('POST', '/api/v1/session/password', {'old_password': s['password'], 'new_password': PW}, session(no, s['password']))
    _, tok = call('POST', '/api/v1/tokens', {'label': 'bench'}, session(no, PW))
    auth = {'Authorization': 'Bearer ' + tok['token']}
    post = lambda entity, body: call('POST', '/api/v1/' + entity, body, auth)[1]['id']
    level = i % 8
    if level >= 1:
        accs = [post('accounts', {'name': f'{no}号学生的客户{k}', 'industry': 'manufacturing', 'city': '南京',
                                  'grade': 'A' if k == 0 and level >= 2 else 'B'}) for k in range(3)]
    if level >= 3:
        for k in range(4):
            dm = level >= 4 and k < 2
            post('contacts', {'name': f'联系人{no}-{k}', 'account_id': accs[0 if k < 2 else k - 1],
                              **({'decision_role': 'decision_maker', 'mobile': '1391234%04d' % (i % 10000)} if dm else {})})
    if level >= 6:
        v = post('activities', {'subject': '首次拜访', 'kind': 'visit', 'account_id': accs[0]})
        call('PATCH', f'/api/v1/activities/{v}', {'status': 'done', 'result': '已拜访'}, auth)
    if level >= 7:
        post('activities', {'subject': '电话回访', 'kind': 'call', 'account_id': accs[0], 'start_at': '2030-01-01T02:00:00Z'})
    return tok['token']


students = json.load(open(ANSWER))['students']
with ThreadPoolExecutor(max_workers=4) as pool:
    tokens = list(pool.map(lambda a: student(*a), enumerate(students)))
with open(OUT, 'w') as f:
    f.write('\n'.join(tokens) + '\n')
