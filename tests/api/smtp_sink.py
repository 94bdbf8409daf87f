"""smtp_sink.py - the SMTP server of the mail tests (Debian's python3-aiosmtpd).

    python3 smtp_sink.py PORT FILE

Listens on 127.0.0.1:PORT and appends one JSON line per message received
to FILE: the envelope, the X-Kehu-Message header, the decoded subject and
the text and HTML parts, so a test can count every message exactly.
"""
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.out = open(path, 'a', encoding='utf-8')

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            if part.get_content_maintype() == 'text':
                parts[part.get_content_subtype()] = part.get_content()
        self.out.write(json.dumps({
            'from': envelope.mail_from, 'to': envelope.rcpt_tos,
            'id': msg.get('X-Kehu-Message'), 'subject': str(msg.get('Subject', '')),
            'unsubscribe': str(msg.get('List-Unsubscribe', '')),
            'text': parts.get('plain', ''), 'html': parts.get('html', '')}, ensure_ascii=False) + '\n')
        self.out.flush()
        return '250 OK'


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname='127.0.0.1', port=port)
    controller.start()
    print('ready', flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == '__main__':
    main()
