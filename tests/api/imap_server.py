"""imap_server.py - the IMAP server of the inbound mail tests: Debian's
dovecot-imapd on loopback, as a plain user, with a configuration written
into a temporary directory (no system service, nothing outside it).

    python3 imap_server.py PORT USER PASSWORD

Prints "ready" once dovecot answers on 127.0.0.1:PORT. Then each line on
stdin is a JSON object {"raw": "<base64 of a message>", "folder": NAME?},
appended to USER's INBOX (or the folder NAME, made when missing; a
non-ASCII name such as 客服 is sent in IMAP's modified UTF-7, encoded here
with Python's own UTF-7 codec, not the server's encoder) over IMAP; the
answer is a line {"uid": N}. On end of input
(or SIGTERM) dovecot is stopped and the directory removed.
"""
import base64
import imaplib
import json
import os
import pwd
import grp
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CONFIG = """
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={dir}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service stats {{
  user = {user}
}}
"""


def mutf7(name):
    """RFC 3501 §5.1.3: printable ASCII as itself ("&" as "&-"), other runs
    as UTF-7's base64 of UTF-16 with "&" for "+" and "," for "/"."""
    out, run = [], []

    def flush():
        if run:
            b64 = ''.join(run).encode('utf-7').decode('ascii')  # "+....-"
            out.append('&' + b64[1:].rstrip('-').replace('/', ',') + '-')
            run.clear()
    for ch in name:
        if 0x20 <= ord(ch) < 0x7f:
            flush()
            out.append('&-' if ch == '&' else ch)
        else:
            run.append(ch)
    flush()
    return ''.join(out)


def run_as():
    """The plain user dovecot runs as: ours, or nobody when we are root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name, None
    nobody = pwd.getpwnam('nobody')
    return 'nobody', grp.getgrgid(nobody.pw_gid).gr_name, nobody


def main():
    port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    name, group, drop = run_as()
    dir = tempfile.mkdtemp(prefix='kehu-imap-')
    os.chmod(dir, 0o755)
    for sub in ('run', 'state', 'mail'):
        os.mkdir(os.path.join(dir, sub))
    with open(os.path.join(dir, 'dovecot.conf'), 'w') as f:
        f.write(CONFIG.format(dir=dir, user=name, group=group, port=port))
    with open(os.path.join(dir, 'users'), 'w') as f:
        f.write('%s:{PLAIN}%s\n' % (user, password))
    preexec = None
    if drop:
        for root, dirs, files in os.walk(dir):
            for p in [root] + [os.path.join(root, x) for x in files]:
                os.chown(p, drop.pw_uid, drop.pw_gid)

        def preexec():
            os.setgroups([])
            os.setgid(drop.pw_gid)
            os.setuid(drop.pw_uid)
    dovecot = subprocess.Popen(['/usr/sbin/dovecot', '-F', '-c', os.path.join(dir, 'dovecot.conf')],
                               preexec_fn=preexec, stdout=subprocess.DEVNULL, stderr=sys.stderr)

    def stop(*_):
        if dovecot.poll() is None:
            dovecot.terminate()
            try:
                dovecot.wait(10)
            except subprocess.TimeoutExpired:
                dovecot.kill()
        shutil.rmtree(dir, ignore_errors=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(200):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            break
        except OSError:
            if dovecot.poll() is not None:
                sys.stderr.write(open(os.path.join(dir, 'dovecot.log')).read() if os.path.exists(os.path.join(dir, 'dovecot.log')) else '')
                stop()
            time.sleep(0.05)
    print('ready', flush=True)
    imap = None
    for line in sys.stdin:
        if not line.strip():
            continue
        if imap is None:
            imap = imaplib.IMAP4('127.0.0.1', port)
            imap.login(user, password)
        msg = json.loads(line)
        raw = base64.b64decode(msg['raw'])
        folder = mutf7(msg.get('folder') or 'INBOX')
        if folder != 'INBOX':
            imap.create('"%s"' % folder)  # NO when it exists: fine
        typ, data = imap.append('"%s"' % folder, None, None, raw)
        uid = int(data[0].split()[2].rstrip(b']')) if typ == 'OK' else 0
        print(json.dumps({'uid': uid}), flush=True)
    stop()


if __name__ == '__main__':
    main()
