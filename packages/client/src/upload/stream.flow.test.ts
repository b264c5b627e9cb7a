import { formFieldsOf } from './stream.flow';

describe('formFieldsOf', () => {
  it('sends dedupe and overwrite as the form fields the gateway reads, and leaves out what is unset', () => {
    expect(formFieldsOf({ dedupe: true, tags: ['a', 'b'] }, 'x.jpg')).toEqual([
      ['fileName', 'x.jpg'],
      ['tags', 'a,b'],
      ['dedupe', 'true'],
    ]);
    expect(formFieldsOf({ dedupe: false, overwrite: true }, 'x.jpg')).toEqual([
      ['fileName', 'x.jpg'],
      ['overwrite', 'true'],
      ['dedupe', 'false'],
    ]);
  });
});
