// Worksheet tabs above the editor. Their names and texts are kept in the browser's local storage under the key
// id of whoever signed in (never the key itself), so a reload or the next sign-in finds them as they were.

const SAVE_DELAY_MS = 300;

export class Worksheets {
  /**
   * bar: the element the tabs go in; editor: a SqlEditor (load(text), text); keyId: whose worksheets these are;
   * initial: the text of the first worksheet of someone who has none yet.
   */
  constructor(bar, editor, keyId, initial) {
    this.bar = bar;
    this.editor = editor;
    this.storageKey = `sluice.worksheets.${keyId}`;
    const saved = readSaved(this.storageKey);
    this.sheets = saved?.sheets?.length ? saved.sheets : [{ name: 'Worksheet 1', text: initial }];
    this.active = Math.min(Math.max(0, saved?.active ?? 0), this.sheets.length - 1);
    this.editor.load(this.sheets[this.active].text);
    this.render();
  }

  /** Called by the editor after every edit. */
  changed(text) {
    this.sheets[this.active].text = text;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  save() {
    clearTimeout(this.saveTimer);
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ active: this.active, sheets: this.sheets }));
    } catch {
      // storage full or disabled: the worksheets live as long as the page
    }
  }

  /** Opens a new worksheet holding text (a statement from the history, say) and shows it. */
  open(text, name) {
    this.sheets.push({ name: name ?? this.nextName(), text });
    this.switchTo(this.sheets.length - 1);
  }

  switchTo(index) {
    this.sheets[this.active].text = this.editor.text;
    this.active = index;
    this.editor.load(this.sheets[index].text);
    this.save();
    this.render();
  }

  close(index) {
    if (this.sheets.length === 1) {
      this.sheets[0] = { name: 'Worksheet 1', text: '' };
      this.active = 0;
      this.editor.load('');
    } else {
      this.sheets[this.active].text = this.editor.text;
      this.sheets.splice(index, 1);
      if (this.active >= index && this.active > 0) this.active -= 1;
      this.editor.load(this.sheets[this.active].text);
    }
    this.save();
    this.render();
  }

  nextName() {
    let number = this.sheets.length + 1;
    while (this.sheets.some(sheet => sheet.name === `Worksheet ${number}`)) number += 1;
    return `Worksheet ${number}`;
  }

  render() {
    const tabs = this.sheets.map((sheet, index) => {
      const tab = document.createElement('span');
      tab.className = `worksheet-tab${index === this.active ? ' active' : ''}`;
      tab.dataset.index = String(index);
      const name = document.createElement('button');
      name.type = 'button';
      name.className = 'worksheet-name';
      name.textContent = sheet.name;
      name.title = 'Double-click to rename';
      name.addEventListener('click', () => { if (index !== this.active) this.switchTo(index); });
      name.addEventListener('dblclick', () => {
        const renamed = prompt('Worksheet name', sheet.name);
        if (renamed && renamed.trim()) {
          sheet.name = renamed.trim();
          this.save();
          this.render();
        }
      });
      const close = document.createElement('button');
      close.type = 'button';
      close.className = 'worksheet-close';
      close.textContent = '×';
      close.title = `Close ${sheet.name}`;
      close.addEventListener('click', () => this.close(index));
      tab.append(name, close);
      return tab;
    });
    const add = document.createElement('button');
    add.type = 'button';
    add.id = 'worksheet-new';
    add.textContent = '+';
    add.title = 'New worksheet';
    add.addEventListener('click', () => this.open(''));
    this.bar.replaceChildren(...tabs, add);
  }
}

function readSaved(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}
