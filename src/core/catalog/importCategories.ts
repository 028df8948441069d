import type { CategoryMap } from '../../shared/api/schemas/catalogImport';
import { CATEGORIES, type Category } from '../../shared/domain/categories';
import { LOCALES } from '../../shared/i18n/locales';
import { translate } from '../../shared/i18n/translate';

/**
 * The shop's own category names → the program's categories. In order:
 *  1. what the owner mapped (in this import, or remembered from the last one);
 *  2. a program category's code or its name in any catalogue language (婴幼儿奶粉, Diapers, infant_formula);
 *  3. words shops commonly use for them (奶粉, 尿不湿, 童装, 文具, 香烟 …), whole names only, and
 *     only words that cannot mean something else: "服装" or "洗护" could be adults' goods, so the
 *     owner maps those.
 * Anything else is unmapped: its rows are errors until the owner maps the name. Every automatic
 * match is shown to the owner, who can change it.
 */

const SYNONYMS: Record<Category, string[]> = {
  infant_formula: ['奶粉', '婴儿奶粉', '配方奶粉', '婴儿配方奶粉', '婴幼儿配方奶粉', '婴幼儿配方食品'],
  diapers: ['尿不湿', '尿裤', '纸尿片', '拉拉裤', '尿片', '纸尿裤/拉拉裤', '婴儿纸尿裤'],
  baby_clothing: ['童装', '童鞋', '婴儿服装', '婴童服装', '童装童鞋', '婴儿服饰', '儿童服装'],
  baby_care: ['婴儿洗护', '婴童洗护', '婴儿护肤', '母婴洗护', '婴儿洗浴'],
  school_supplies: ['文具', '学习用品', '学生用品', '文具用品', '学生文具', '办公文具'],
  books: ['图书', '书籍', '绘本', '书', '童书', '读物'],
  toys: ['玩具', '益智玩具', '儿童玩具', '玩具用品'],
  daily_necessities: ['日用品', '生活用品', '日化', '日用百货', '百货', '日用', '洗化', '日化用品'],
  staple_food: ['粮油', '米面', '米面油', '大米', '食用油', '面粉', '粮食', '粮油食品', '米'],
  haircut: ['理发', '美发', '剪发', '理发服务', '美发服务'],
  health_service: ['医疗服务', '体检', '保健服务', '诊疗', '健康服务'],
  canteen_meal: ['助餐', '老年餐', '长者饭堂', '助老餐', '长者餐'],
  tobacco: ['香烟', '烟', '卷烟', '烟草制品', '烟酒'],
  alcohol: ['酒', '酒水', '白酒', '啤酒', '红酒', '葡萄酒', '黄酒'],
  lottery: ['彩票', '体彩', '福彩'],
  precious_metals: ['黄金', '金银', '首饰', '金饰', '银饰', '珠宝'],
  prepaid_cards: ['充值卡', '购物卡', '礼品卡', '卡券', '储值卡', '话费卡', '游戏点卡'],
  other: ['其他', '其它', '杂项', '未分类', '其他商品'],
};

export function normalizeLabel(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

export type CategorySource = 'owner' | 'program' | 'synonym';
export type CategoryResolver = (label: string) => { category: Category; source: CategorySource } | null;

const programNames: Map<string, Category> = (() => {
  const m = new Map<string, Category>();
  for (const c of CATEGORIES) {
    m.set(c, c);
    m.set(c.replace(/_/g, ' '), c);
    for (const locale of LOCALES) {
      const name = normalizeLabel(translate(locale, `category.${c}`));
      m.set(name, c);
      // 充值卡/购物卡: each half on its own as well.
      for (const part of name.split('/')) if (part.trim()) m.set(part.trim(), c);
    }
  }
  return m;
})();

const synonyms: Map<string, Category> = (() => {
  const m = new Map<string, Category>();
  for (const c of CATEGORIES) for (const s of SYNONYMS[c]) m.set(normalizeLabel(s), c);
  return m;
})();

/** `ownerMap`: the owner's choices, this import's over the remembered ones. */
export function categoryResolver(ownerMap: CategoryMap): CategoryResolver {
  const owner = new Map<string, Category>();
  for (const [label, c] of Object.entries(ownerMap)) owner.set(normalizeLabel(label), c);
  const cache = new Map<string, ReturnType<CategoryResolver>>();
  const resolve = (norm: string): ReturnType<CategoryResolver> => {
    const o = owner.get(norm);
    if (o) return { category: o, source: 'owner' };
    if (norm === '') return null;
    const p = programNames.get(norm);
    if (p) return { category: p, source: 'program' };
    // "奶粉类", "玩具类": the same name with 类 on the end.
    const bare = norm.endsWith('类') && norm.length > 1 ? norm.slice(0, -1) : norm;
    const s = synonyms.get(norm) ?? synonyms.get(bare) ?? programNames.get(bare);
    return s ? { category: s, source: 'synonym' } : null;
  };
  return (label) => {
    const norm = normalizeLabel(label);
    if (!cache.has(norm)) cache.set(norm, resolve(norm));
    return cache.get(norm) ?? null;
  };
}
