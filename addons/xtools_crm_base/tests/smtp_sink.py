"""A loopback SMTP server for tests and the demo: it keeps what it receives.

Free of Tryton's test tools (which change the pool when imported), so the
demo loader can send its sample mass e-mail to it."""
import socketserver
import threading
from email import message_from_bytes, policy


class SMTPSink:
    """A tiny SMTP server on a free loopback port that keeps the messages
    it receives (in .messages, as email.message.EmailMessage)."""

    def __init__(self):
        sink = self
        self.messages = []

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode('ascii') + b'\r\n')

            def handle(self):
                self.reply('220 sink ready')
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode('ascii', 'replace').strip().upper()
                    if command.startswith('EHLO'):
                        self.reply('250-sink')
                        self.reply('250 8BITMIME')
                    elif command.startswith('DATA'):
                        self.reply('354 end with <CRLF>.<CRLF>')
                        lines = []
                        for data in iter(self.rfile.readline, b''):
                            if data in {b'.\r\n', b'.\n'}:
                                break
                            if data.startswith(b'..'):
                                data = data[1:]
                            lines.append(data)
                        sink.messages.append(message_from_bytes(
                                b''.join(lines), policy=policy.default))
                        self.reply('250 queued')
                    elif command.startswith('QUIT'):
                        self.reply('221 bye')
                        return
                    else:  # HELO, MAIL, RCPT, RSET, NOOP
                        self.reply('250 ok')

        self.server = socketserver.ThreadingTCPServer(
            ('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.uri = 'smtp://127.0.0.1:%s' % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
