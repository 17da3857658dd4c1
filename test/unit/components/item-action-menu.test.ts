import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ItemActionMenu from '@/components/ItemActionMenu.vue';
import { VAULT_ID, type InventoryItem } from '@/lib/inventory/types';
import { loadFixtureModel } from '../inventory/fixtures';

const model = loadFixtureModel();
const items = Object.values(model.items);
const characters = model.stores.filter((s) => s.kind === 'character');

function menuFor(item: InventoryItem) {
  return mount(ItemActionMenu, { props: { item, model } });
}

describe('item action menu over the real profile', () => {
  it('offers a stack in the vault to each character, by amount', async () => {
    const stack = items.find((i) => i.owner === VAULT_ID && i.maxStackSize > 1 && i.quantity > 5 && i.transferable)!;
    const wrapper = menuFor(stack);
    const input = wrapper.get('[data-testid="move-amount"]');
    expect((input.element as HTMLInputElement).value).toBe(String(stack.quantity));
    await input.setValue(3);
    await wrapper.get(`[data-action="send-${characters[0].id}"]`).trigger('click');
    expect(wrapper.emitted('run')?.[0]).toEqual([
      { kind: 'move', itemKey: stack.key, to: characters[0].id, amount: 3 },
    ]);
  });

  it('moves the whole stack when the amount is left alone (no amount sent)', async () => {
    const stack = items.find((i) => i.owner === VAULT_ID && i.maxStackSize > 1 && i.quantity > 5 && i.transferable)!;
    const wrapper = menuFor(stack);
    await wrapper.get(`[data-action="send-${characters[1].id}"]`).trigger('click');
    expect(wrapper.emitted('run')?.[0]).toEqual([{ kind: 'move', itemKey: stack.key, to: characters[1].id }]);
  });

  it('class armor can be sent anywhere but equipped only by its class', () => {
    const armor = items.find((i) => i.isArmor && i.classType !== 3 && i.owner === VAULT_ID && i.transferable)!;
    const actions = menuFor(armor)
      .findAll('[data-action]')
      .map((b) => b.attributes('data-action'));
    for (const c of characters) {
      expect(actions).toContain(`send-${c.id}`);
      expect(actions.includes(`equip-${c.id}`)).toBe(c.classType === armor.classType);
    }
    expect(menuFor(armor).find('[data-testid="move-amount"]').exists()).toBe(false);
  });

  it('a postmaster item offers the pull first', () => {
    const lost = items.find((i) => i.location === 'postmaster')!;
    const first = menuFor(lost).findAll('[data-action]')[0];
    expect(first.attributes('data-action')).toBe('pull');
  });

  it('lock flips the lock', async () => {
    const item = items.find((i) => i.lockable && !i.locked)!;
    const wrapper = menuFor(item);
    await wrapper.get('[data-action="lock"]').trigger('click');
    expect(wrapper.emitted('run')?.[0]).toEqual([{ kind: 'lock', itemKey: item.key, locked: true }]);
  });
});
