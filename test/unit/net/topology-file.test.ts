import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../../chassis/topology-file.js';

describe('--topology files', () => {
  it('reads devices (with defaults), links and attached interfaces; config paths are relative to the file', () => {
    const spec = parseTopology(
      [
        'devices:',
        '  fw1: { model: srx5800, cards: "0:ioc4,2:spc3", release: 23.4R1, config: fw1.conf }',
        '  fw2:',
        '    model: srx5600',
        '    junos-ike: false',
        '    cards: "0:ioc4,1:spc2"',
        'links:',
        '  - [fw1:xe-0/0/0, fw2:xe-0/0/0]',
        'attach: [fw1:xe-0/0/1]',
      ].join('\n'),
      '/labs/two-site',
    );
    expect(spec.devices.map((d) => d.name)).toEqual(['fw1', 'fw2']);
    expect(spec.devices[0]!.choice).toMatchObject({ model: 'srx5800', release: '23.4R1', hostname: 'fw1', cards: [[0, 'ioc4'], [2, 'spc3']] });
    expect(spec.devices[0]!.config).toBe('/labs/two-site/fw1.conf');
    expect(spec.devices[1]!.choice).toMatchObject({ model: 'srx5600', junosIke: false, re: 're3' });
    expect(spec.links).toEqual([[{ device: 'fw1', ifd: 'xe-0/0/0' }, { device: 'fw2', ifd: 'xe-0/0/0' }]]);
    expect(spec.attach).toEqual([{ device: 'fw1', ifd: 'xe-0/0/1' }]);
  });

  it.each([
    ['devices: []', /devices: expected a mapping/],
    ['devices: { fw1: { colour: red } }', /devices\.fw1: unknown key 'colour'/],
    ['devices: { fw1: { cards: "3:spc9" } }', /devices\.fw1: --cards: unknown card type 'spc9'/],
    ['devices: { fw1: {} }\nlinks: [[fw1:xe-0/0/0, fw9:xe-0/0/0]]', /no device named 'fw9'/],
    ['devices: { fw1: {}, fw2: {} }\nlinks: [[fw1:xe-0/0/0, fw2:xe-0/0/0], [fw1:xe-0/0/0, fw2:xe-0/0/1]]', /fw1:xe-0\/0\/0 is already linked/],
    ['devices: { fw1: {} }\nlinks: [[fw1:eth0, fw1:xe-0/0/0]]', /'fw1:eth0' is not DEVICE:INTERFACE/],
    ['devices: { fw1: {} }\nrouters: 3', /unknown key 'routers'/],
    ['devices: [unclosed', /not valid YAML/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTopology(text, '/')).toThrow(message);
  });
});
