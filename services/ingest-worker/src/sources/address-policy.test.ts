import { createAddressPolicy } from './address-policy';

describe('address policy', () => {
  const policy = createAddressPolicy();

  it.each([
    '127.0.0.1',
    '127.0.0.2',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'fe80::1',
    'fd00:ec2::254',
    'ff02::1',
  ])('refuses %s', (address) => {
    expect(() => policy.checkAddress(address, 'example.test')).toThrow(expect.objectContaining({ code: 'source_forbidden' }));
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111'])('allows the public address %s', (address) => {
    expect(() => policy.checkAddress(address, 'example.test')).not.toThrow();
  });

  it('refuses metadata host names and allows what the allow list names, and nothing more', () => {
    expect(() => policy.checkHostName('metadata.google.internal')).toThrow(/metadata/);
    const allowing = createAddressPolicy({ allow: ['127.0.0.1/32', 'images.internal'] });
    expect(() => allowing.checkAddress('127.0.0.1', 'whatever')).not.toThrow();
    expect(() => allowing.checkAddress('127.0.0.2', 'whatever')).toThrow(/private, loopback/);
    expect(() => allowing.checkAddress('::ffff:127.0.0.1', 'whatever')).toThrow(/private, loopback/);
    expect(() => allowing.checkAddress('10.0.0.5', 'images.internal')).not.toThrow();
  });
});
