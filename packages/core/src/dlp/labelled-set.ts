/**
 * A labelled set for the data-protection scanner: texts as they appear in prompts (prose, chat, logs, code,
 * config, CSV) with the findings a careful reviewer expects, including near-misses that must NOT be found
 * (order numbers, versions, timestamps, UUIDs, hashes, code, Luhn-failing card-like numbers, checksum-failing
 * IBANs, invalid SSNs). The core tests score the scanner on it; `bench/dlp-bench.ts` scores the libraries on it.
 *
 * Labelling rules (the decisions the README states): a bare 10–13 digit number is a phone only after a phone word;
 * `1.2.3.4` is an IP address unless a version word or a `product/` precedes it; `::1`-style addresses carry nothing
 * personal but are still labelled where they are addresses (the scanner's documented gap, `gap` below); scp-style
 * `git@host:path` is not an email.
 *
 * Secret-shaped values are assembled from pieces at load time, so this file holds no literal token that a secret
 * scanner would flag; none of them is a real credential.
 */
import type { DlpKind } from './policy.js';

export interface LabelledFinding {
  kind: DlpKind;
  value: string;
}

export interface LabelledSample {
  text: string;
  expect: LabelledFinding[];
  /** The scanner is known to differ here (documented trade-off); the tests assert it still does. */
  gap?: string;
}

type Exp = [DlpKind, string];

function s(text: string, ...expect: Exp[]): LabelledSample {
  return { text, expect: expect.map(([kind, value]) => ({ kind, value })) };
}

function gap(reason: string, text: string, ...expect: Exp[]): LabelledSample {
  return { ...s(text, ...expect), gap: reason };
}

/** Joins pieces: keeps token shapes out of the source text. */
const j = (...parts: string[]): string => parts.join('');

const K = {
  openai: j('sk-', 'proj-', 'Xa9fK2mPq7RtZ4vB8nLw3cYd', 'E6hJ1sUo5gTi0'),
  openai2: j('sk-', 'Qm3xV8bN2kL7pR4tY9wZ1cF6hJ0sD5gA'),
  anthropic: j('sk-', 'ant-', 'api03-', 'Zx8Kp2Lm9Qw4Rt7Yv1Bn6Cd3Fg5Hj0Ks', '-AbCdEfGh'),
  aws: j('AK', 'IA', 'IOSFODNN7', 'EXAMPLE'),
  aws2: j('AS', 'IA', 'Q3EGUWXYZ4', 'ABCD12'),
  github: j('gh', 'p_', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'),
  githubPat: j(
    'github',
    '_pat_',
    '11ABCDEFG0123456789',
    '_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS',
  ),
  slack: j('xo', 'xb-', '123456789012-', '1234567890123-', 'AbCdEfGhIjKlMnOpQrStUvWx'),
  slackUser: j('xo', 'xp-', '1111111111-2222222222-', '3333333333-abcdef0123456789'),
  stripe: j('sk', '_live_', '51HqLyjWDarjtT1zdp7dc', 'XyZ0123456789abcd'),
  google: j('AI', 'za', 'SyD-9tSrke72PouQMnMX', '-a7eZSW0jkFMBWY'),
  npm: j('np', 'm_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'),
  hf: j('h', 'f_', 'AbCdEfGhIjKlMnOpQrStUvWxYz01234567'),
  jwt: j(
    'ey',
    'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
    '.',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ),
  pem: j(
    '-----BEGIN ',
    'RSA PRIVATE KEY-----\n',
    'MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0ZBdKxbLjUOhq\n',
    'q8vG0ZkT5hPq2wq0hTZ1F2pXo8sYz7bN4cR6dW9eU3iK1lM0nOpQ\n',
    '-----END ',
    'RSA PRIVATE KEY-----',
  ),
  pemOpenssh: j(
    '-----BEGIN ',
    'OPENSSH PRIVATE KEY-----\n',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n',
    '-----END ',
    'OPENSSH PRIVATE KEY-----',
  ),
  slackHook: j(
    'https://',
    'hooks.slack.com/',
    'services/',
    'T00000000/B00000000/',
    'XXXXXXXXXXXXXXXXXXXXXXXX',
  ),
};

const emails: LabelledSample[] = [
  s('Please reply to john.doe@example.com by Friday.', ['email', 'john.doe@example.com']),
  s('Contact: jane_smith+billing@mail.example.co.uk', ['email', 'jane_smith+billing@mail.example.co.uk']),
  s('Send the invoice to <accounts@acme-corp.io>.', ['email', 'accounts@acme-corp.io']),
  s('mailto:support@switchyard.dev?subject=help', ['email', 'support@switchyard.dev']),
  s('From: "Ana Lopez" <ana.lopez@universidad.es>', ['email', 'ana.lopez@universidad.es']),
  s('emails: a.b@c-d.org, x_y@z.net', ['email', 'a.b@c-d.org'], ['email', 'x_y@z.net']),
  s('My email is MIXED.Case@Example.COM thanks', ['email', 'MIXED.Case@Example.COM']),
  s('{"user":{"email":"k.tanaka@example.jp","id":42}}', ['email', 'k.tanaka@example.jp']),
  s('reporter=o.brien@gov.ie;assignee=n.ng@corp.sg', ['email', 'o.brien@gov.ie'], ['email', 'n.ng@corp.sg']),
  s('user 12345@numbers.example.com signed up', ['email', '12345@numbers.example.com']),
  s('CC: first-last@sub.domain.example.museum', ['email', 'first-last@sub.domain.example.museum']),
  s('Write to pilar@xn--espaa-rta.es for details', ['email', 'pilar@xn--espaa-rta.es']),
  s(
    'email,name\nbob@example.org,Bob\nalice@example.org,Alice',
    ['email', 'bob@example.org'],
    ['email', 'alice@example.org'],
  ),
  s('The address (dev.team@company.internal.net) bounced.', ['email', 'dev.team@company.internal.net']),
  s("It's m%percent@example.com, odd but valid.", ['email', 'm%percent@example.com']),
  s('xmpp: chat.user@jabber.org', ['email', 'chat.user@jabber.org']),
  s('Ping s@ex.io now', ['email', 's@ex.io']),
  s('Forwarded from noreply@notifications.github.com', ['email', 'noreply@notifications.github.com']),
  // near-misses
  s('Thanks @username for the review!'),
  s('Log in as admin@localhost on the dev box.'),
  s('Use the retina asset icon@2x.png in the header.'),
  s('npm install lodash@4.17.21 --save'),
  s('import type { Request } from "@types/express";'),
  s('Reach me at name at example dot com.'),
  s('git clone git@github.com:switchyard/gateway.git'),
  s('@Component({ selector: "app-root" })'),
  s('The handle is foo@bar without a domain.'),
  s('Pinned at @2x and @3x scale.'),
  s('x@y.z is not a real domain (one-letter TLD).'),
];

const phones: LabelledSample[] = [
  s('Call me at +1 (415) 555-2671 tomorrow.', ['phone', '+1 (415) 555-2671']),
  s('WhatsApp: +14155552671', ['phone', '+14155552671']),
  s('Office: 415-555-2671', ['phone', '415-555-2671']),
  s('Fax (212) 555-0198 or 212.555.0199', ['phone', '(212) 555-0198'], ['phone', '212.555.0199']),
  s('Toll free 1-800-555-0199', ['phone', '1-800-555-0199']),
  s('UK office +44 20 7946 0958', ['phone', '+44 20 7946 0958']),
  s('London: +44 (0)20 7946 0958', ['phone', '+44 (0)20 7946 0958']),
  s('Ring 020 7946 0958 during office hours', ['phone', '020 7946 0958']),
  s('Paris +33 1 23 45 67 89', ['phone', '+33 1 23 45 67 89']),
  s('Appelez le 01 23 45 67 89', ['phone', '01 23 45 67 89']),
  s('Berlin +49 30 1234567', ['phone', '+49 30 1234567']),
  s('Telefon: 030 1234567', ['phone', '030 1234567']),
  s('Tokyo +81 3-1234-5678', ['phone', '+81 3-1234-5678']),
  s('携帯 090-1234-5678 まで', ['phone', '090-1234-5678']),
  s('Sydney +61 2 9876 5432', ['phone', '+61 2 9876 5432']),
  s('Mobile +91 98765 43210', ['phone', '+91 98765 43210']),
  s('Dial 0044 20 7946 0958 from abroad', ['phone', '0044 20 7946 0958']),
  s('Dublin +353 1 234 5678', ['phone', '+353 1 234 5678']),
  s('tel: 4155552671', ['phone', '4155552671']),
  s('call me on 07700900123 after 5', ['phone', '07700900123']),
  s('{"phone": "+1-202-555-0147"}', ['phone', '+1-202-555-0147']),
  s('Phone (030) 1234567, ask for Jan', ['phone', '(030) 1234567']),
  s('NYC 212 555 0123 is the main line', ['phone', '212 555 0123']),
  s('São Paulo +55 11 98765-4321', ['phone', '+55 11 98765-4321']),
  s('Madrid +34 912 345 678', ['phone', '+34 912 345 678']),
  // near-misses
  s('Invoice date 2024-01-15, due 2024-02-15.'),
  s('Meeting at 10:30:45 UTC on 15/01/2024.'),
  s('Order #123456789 shipped.'),
  s('Your order 4111-2222 is on the way.'),
  s('ZIP 94103, suite 415.'),
  s('Revenue was $1,234,567.89 in Q3.'),
  s('ISBN 978-3-16-148410-0'),
  s('build 20240115 passed'),
  s('created_at: 1700000000 (unix seconds)'),
  s('Account id 12345678901 in the export'),
  s('Ranges 100-200-300 and 10-20-30'),
  s('Coordinates 37.7749, -122.4194'),
  s('Windows build 10.0.19045.3693'),
  s('Score: 415 555 points'),
  s('Temperature +12.5 at 0600'),
  s('Tracking 1Z999AA10123456784'),
  s('Dates 01.02.2024 and 01-02-2024'),
  s('x = a +1 2 3 in the matrix'),
  s('price 0.99 0.49 0.25 per unit'),
];

const cards: LabelledSample[] = [
  s('Card: 4111 1111 1111 1111 exp 12/27', ['card', '4111 1111 1111 1111']),
  s('Charge 4012888888881881 for the deposit', ['card', '4012888888881881']),
  s('Old Visa 4222222222222', ['card', '4222222222222']),
  s('MC 5555-5555-5555-4444', ['card', '5555-5555-5555-4444']),
  s('Use 5105105105105100 on staging', ['card', '5105105105105100']),
  s('2-series 2221000000000009', ['card', '2221000000000009']),
  s('Amex 3782 822463 10005', ['card', '3782 822463 10005']),
  s('Amex 371449635398431', ['card', '371449635398431']),
  s('Discover 6011 1111 1111 1117', ['card', '6011 1111 1111 1117']),
  s('JCB 3530111333300000', ['card', '3530111333300000']),
  s('Diners 30569309025904', ['card', '30569309025904']),
  s('UnionPay 6200000000000005', ['card', '6200000000000005']),
  s('{"card_number":"4242424242424242","cvc":"123"}', ['card', '4242424242424242']),
  s('card=5200828282828210;', ['card', '5200828282828210']),
  s('Visa debit 4000 0566 5566 5556', ['card', '4000 0566 5566 5556']),
  // near-misses
  s('Card-like but Luhn fails: 4111 1111 1111 1112'),
  s('Reference 5555555555554445'),
  s('Order number 1234567812345678'),
  s('Timestamp ms 1700000000000'),
  s('Tracking 9400111899223197428490'),
  s('IMEI-ish 3530 1113 3330 0001'),
  s('Serial 0000 0000 0000 0000'),
  s('Invoice 4111111111111111111111 (too long)'),
  s('Phone-ish 4111 111 1111'),
  s('Hash prefix 41111111deadbeef'),
  s('Batch 6011-1111-1111-1118 rejected'),
  s('Card ending in 1111'),
];

const ibans: LabelledSample[] = [
  s('IBAN DE89 3704 0044 0532 0130 00', ['iban', 'DE89 3704 0044 0532 0130 00']),
  s('Pay to GB82WEST12345698765432 by Monday', ['iban', 'GB82WEST12345698765432']),
  s('FR14 2004 1010 0505 0001 3M02 606', ['iban', 'FR14 2004 1010 0505 0001 3M02 606']),
  s('NL91ABNA0417164300.', ['iban', 'NL91ABNA0417164300']),
  s('Spanish account ES91 2100 0418 4502 0005 1332', ['iban', 'ES91 2100 0418 4502 0005 1332']),
  s('IT60X0542811101000000123456', ['iban', 'IT60X0542811101000000123456']),
  s('BE68 5390 0754 7034 (Belgium)', ['iban', 'BE68 5390 0754 7034']),
  s('CH93 0076 2011 6238 5295 7', ['iban', 'CH93 0076 2011 6238 5295 7']),
  s('{"iban":"AT611904300234573201"}', ['iban', 'AT611904300234573201']),
  s('PL61 1090 1014 0000 0712 1981 2874', ['iban', 'PL61 1090 1014 0000 0712 1981 2874']),
  s('Norway NO9386011117947', ['iban', 'NO9386011117947']),
  s('IE29 AIBK 9311 5212 3456 78 is the account', ['iban', 'IE29 AIBK 9311 5212 3456 78']),
  s('lower-case de89370400440532013000 works too', ['iban', 'de89370400440532013000']),
  // near-misses
  s('Checksum fails: DE89 3704 0044 0532 0130 01'),
  s('GB82WEST12345698765431'),
  s('Part number AB12 3456 7890 1234'),
  s('Flight LH12 departs at 10:30'),
  s('Model XY99ZZ1234567890ABCDEF'),
  s('Product code DE12345'),
  s('Room B2 4th floor'),
];

const ssns: LabelledSample[] = [
  s('SSN: 536-22-1234', ['ssn', '536-22-1234']),
  s('Social security number 219 09 9999 on file', ['ssn', '219 09 9999']),
  s('ssn=457-55-5462;', ['ssn', '457-55-5462']),
  s('Her SSN is 123-45-6789.', ['ssn', '123-45-6789']),
  s('{"ssn":"001-01-0001"}', ['ssn', '001-01-0001']),
  s('SSN 078051120 (no dashes)', ['ssn', '078051120']),
  s('Applicant 665-12-3456 verified', ['ssn', '665-12-3456']),
  s('Employee SSN 899-99-9999', ['ssn', '899-99-9999']),
  // near-misses
  s('Invalid area 000-12-3456'),
  s('Invalid area 666-12-3456'),
  s('ITIN-like 900-70-1234'),
  s('Zero group 123-00-4567'),
  s('Zero serial 123-45-0000'),
  s('Part 123-456-789'),
  s('Lot 12-345-6789'),
  s('Zip+4 94103-1234'),
  s('Nine digits 123456789 without context'),
];

const ips: LabelledSample[] = [
  s('Server at 192.168.1.10 is down', ['ip', '192.168.1.10']),
  s('curl http://10.0.0.1:8080/health', ['ip', '10.0.0.1']),
  s('DNS 8.8.8.8 and 1.1.1.1', ['ip', '8.8.8.8'], ['ip', '1.1.1.1']),
  s('client_ip="203.0.113.42"', ['ip', '203.0.113.42']),
  s('Blocked 172.16.254.1.', ['ip', '172.16.254.1']),
  s('IPv6 2001:db8::1 reachable', ['ip', '2001:db8::1']),
  s('Full 2001:0db8:85a3:0000:0000:8a2e:0370:7334', ['ip', '2001:0db8:85a3:0000:0000:8a2e:0370:7334']),
  s('link-local fe80::1ff:fe23:4567:890a', ['ip', 'fe80::1ff:fe23:4567:890a']),
  s('[2001:db8:85a3::8a2e:370:7334]:443', ['ip', '2001:db8:85a3::8a2e:370:7334']),
  s('NAT64 64:ff9b::192.0.2.33', ['ip', '64:ff9b::192.0.2.33']),
  s('X-Forwarded-For: 198.51.100.7, 10.1.2.3', ['ip', '198.51.100.7'], ['ip', '10.1.2.3']),
  s('ping 255.255.255.255', ['ip', '255.255.255.255']),
  s('Gateway is 1.2.3.4 per the ticket', ['ip', '1.2.3.4']),
  gap('addresses that start with :: are not detected', 'mapped ::ffff:192.0.2.128 address', [
    'ip',
    '::ffff:192.0.2.128',
  ]),
  // near-misses
  s('Running version 1.2.3.4 of the agent'),
  s('Upgraded to v1.2.3.4 today'),
  s('Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36'),
  s('SNMP OID 1.3.6.1.4.1.2021'),
  s('Not an address: 999.1.1.1'),
  s('semver 2.10.3 and 1.2.3'),
  s('Time 12:30:45'),
  s('MAC 00:1A:2B:3C:4D:5E'),
  s('std::vector<int> v; a::b::c();'),
  s('Python slice x[::2] and y[1::3]'),
  s('release 4.2.0.1 notes'),
  s('pi is 3.14159265'),
  s('Leading zeros 010.001.001.001'),
];

const secrets: LabelledSample[] = [
  s(`OPENAI_API_KEY=${K.openai}`, ['secret', K.openai]),
  s(`Authorization: Bearer ${K.openai2}`, ['secret', K.openai2]),
  s(`ANTHROPIC_API_KEY="${K.anthropic}"`, ['secret', K.anthropic]),
  s(`aws_access_key_id = ${K.aws}`, ['secret', K.aws]),
  s(`temporary creds ${K.aws2} expire soon`, ['secret', K.aws2]),
  s(`git remote set-url origin https://${K.github}@github.com/o/r.git`, ['secret', K.github]),
  s(`GH_TOKEN=${K.githubPat}`, ['secret', K.githubPat]),
  s(`slack token: ${K.slack}`, ['secret', K.slack]),
  s(`SLACK_USER_TOKEN=${K.slackUser}`, ['secret', K.slackUser]),
  s(`stripe.api_key = "${K.stripe}"`, ['secret', K.stripe]),
  s(`maps key ${K.google} in the config`, ['secret', K.google]),
  s(`//registry.npmjs.org/:_authToken=${K.npm}`, ['secret', K.npm]),
  s(`HF_TOKEN=${K.hf}`, ['secret', K.hf]),
  s(`Cookie: session=${K.jwt}; Path=/`, ['secret', K.jwt]),
  s(`The session token in the bug report is ${K.jwt}. It expired yesterday.`, ['secret', K.jwt]),
  s(`Here is my key:\n${K.pem}\nplease check it`, ['secret', K.pem]),
  s(`id_ed25519:\n${K.pemOpenssh}`, ['secret', K.pemOpenssh]),
  s(`Webhook ${K.slackHook} posts alerts`, ['secret', K.slackHook]),
  s(`{"api_key":"${K.openai}","model":"gpt-4o"}`, ['secret', K.openai]),
  // near-misses
  s('We use sk-learn (scikit-learn) for the baseline.'),
  s('The sk-style-naming-convention-for-css-classes is odd'),
  s('AKIA is the prefix of AWS access key ids'),
  s('Request id 550e8400-e29b-41d4-a716-446655440000'),
  s('sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
  s('commit 5caf77f0a1b2c3d4e5f60718293a4b5c6d7e8f90'),
  s('base64 SGVsbG8gd29ybGQhIFRoaXMgaXMgbm90IGEgc2VjcmV0Lg=='),
  s('ghp_ is GitHub personal token prefix, ghp_short is too short'),
  s('xoxb tokens start with xoxb-'),
  s('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'),
  s('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----'),
  s('eyJ is how base64 JSON starts'),
  s('key = os.environ["OPENAI_API_KEY"]'),
  s('npm_config_registry=https://registry.npmjs.org/'),
];

const mixed: LabelledSample[] = [
  s(
    'Hi, I am Maria (maria.garcia@example.com, +34 612 345 678). My card 4111 1111 1111 1111 was charged twice.',
    ['email', 'maria.garcia@example.com'],
    ['phone', '+34 612 345 678'],
    ['card', '4111 1111 1111 1111'],
  ),
  s('Refund to IBAN DE89 3704 0044 0532 0130 00, reference order 4111-2222, ticket #88231.', [
    'iban',
    'DE89 3704 0044 0532 0130 00',
  ]),
  s(
    '2024-03-01T12:00:01Z ERROR auth failed for bob@corp.example from 10.20.30.40 (req 7f3a9c)',
    ['email', 'bob@corp.example'],
    ['ip', '10.20.30.40'],
  ),
  s(
    'name,ssn,phone\nJo Lee,536-22-1234,415-555-2671\nAl Kim,457-55-5462,(212) 555-0198',
    ['ssn', '536-22-1234'],
    ['phone', '415-555-2671'],
    ['ssn', '457-55-5462'],
    ['phone', '(212) 555-0198'],
  ),
  s(`Debug this: client = OpenAI(api_key="${K.openai}")  # fails with 401`, ['secret', K.openai]),
  s(
    'The patient, DOB 1984-07-12, SSN 219-09-9999, called from 020 7946 0958.',
    ['ssn', '219-09-9999'],
    ['phone', '020 7946 0958'],
  ),
  gap(
    'a version without a version word right before it reads as an IP address',
    'Upgrade the agent from version 1.2.3.4 to 1.2.4.0 on host 192.0.2.10.',
    ['ip', '192.0.2.10'],
  ),
  s(
    'Email alice@example.org and bob@example.org; alice@example.org again.',
    ['email', 'alice@example.org'],
    ['email', 'bob@example.org'],
    ['email', 'alice@example.org'],
  ),
  s(
    '```ts\nconst user = { email: "dev@example.io", ip: "127.0.0.1", version: "3.2.1" };\n```',
    ['email', 'dev@example.io'],
    ['ip', '127.0.0.1'],
  ),
  s('Wire EUR 1,250.00 to GB82 WEST 1234 5698 7654 32 (Acme Ltd), invoice INV-2024-0042.', [
    'iban',
    'GB82 WEST 1234 5698 7654 32',
  ]),
  s(`deploy.sh: export AWS_ACCESS_KEY_ID=${K.aws}\nexport REGION=eu-west-1`, ['secret', K.aws]),
  s(
    'Contact support at help@example.com or +1 800 555 0100; our office IP is 2001:db8:1::20.',
    ['email', 'help@example.com'],
    ['phone', '+1 800 555 0100'],
    ['ip', '2001:db8:1::20'],
  ),
];

/** Texts with nothing to find: prose, code, logs, data. */
const clean: LabelledSample[] = [
  s('Summarise the attached meeting notes in three bullet points.'),
  s('Write a haiku about the sea at dawn.'),
  s('function add(a: number, b: number) { return a + b; } // 2 + 2 = 4'),
  s('for (let i = 0; i < 1000000; i++) total += i * 3.14;'),
  s('SELECT id, created_at FROM orders WHERE total > 100.50 LIMIT 25 OFFSET 50;'),
  s('docker run -p 8080:80 -e NODE_ENV=production nginx:1.25.3'),
  s('The 2023 report shows 42% growth over 12 months across 7 regions.'),
  s('Error: ENOENT: no such file or directory, open "/var/app/config.json" (errno -2)'),
  s('{"temperature":0.7,"max_tokens":1024,"top_p":0.95,"n":1}'),
  s('Use UUID v4 like 123e4567-e89b-12d3-a456-426614174000 for ids.'),
  s('HTTP/1.1 200 OK\nContent-Length: 348\nDate: Mon, 15 Jan 2024 10:30:00 GMT'),
  s('Matrix [[1, 2, 3], [4, 5, 6], [7, 8, 9]] has determinant 0.'),
  s('git log --since=2024-01-01 --until=2024-06-30 --oneline | wc -l'),
  s('Chapter 12, verses 3-17; see pages 101-115.'),
  s('The recipe needs 250 g flour, 2 eggs and 1.5 dl milk.'),
  s('Lat/long 48.8566, 2.3522 (Paris); altitude 35 m.'),
  s('Color #1a2b3c and rgba(255, 128, 0, 0.5)'),
  s('pip install numpy==1.26.4 pandas==2.2.1'),
  s('Port range 49152-65535; timeout 30000 ms.'),
  s('Stack trace at Object.<anonymous> (index.js:12:34) at Module._compile (node:internal:1358:14)'),
  s('The quick brown fox jumps over the lazy dog 1234567890 times.'),
  s('Kubernetes: replicas: 3, cpu: 500m, memory: 512Mi'),
];

/** The whole set (≥ 200 samples). */
export const DLP_LABELLED_SET: readonly LabelledSample[] = [
  ...emails,
  ...phones,
  ...cards,
  ...ibans,
  ...ssns,
  ...ips,
  ...secrets,
  ...mixed,
  ...clean,
];
